import cache from '@adonisjs/cache/services/main'
import string from '@adonisjs/core/helpers/string'
import { DateTime } from 'luxon'
import blogConfig from '#config/blog'
import Post from '#models/post'
import { sqlTime } from '#services/database/sql_time'

/**
 * The data cache of the public pages (@adonisjs/cache: memory in front of
 * Redis, with the Redis bus so a deletion reaches every web process).
 *
 * Nothing in here depends on who is looking: entries hold public numbers,
 * public posts and HTML fragments of public posts, never a page with a
 * navbar, a CSRF token or flash messages.
 */

export const CACHE_TAGS = {
  /** Everything built from posts: fragments, the random-posts pool. */
  posts: 'posts',
  /** The home page's numbers about mailings. */
  homeNumbers: 'home-numbers',
}

export interface FactoryContext {
  setOptions(options: { ttl?: number | string }): void
  /**
   * What a factory returns to cache nothing (the value is then null).
   */
  skip(): null
}

interface CachedOptions<T> {
  key: string
  ttl: string
  tags: string[]
  factory: (ctx: FactoryContext) => Promise<T>
}

/**
 * `cache.getOrSet`, or the factory alone when PAGE_CACHE=false.
 */
export function cached<T>({ key, ttl, tags, factory }: CachedOptions<T>): Promise<T> {
  if (!blogConfig.pageCache) return factory({ setOptions() {}, skip: () => null })
  // bentocache's skip() returns a marker it recognises, typed loosely here.
  return cache
    .getOrSet({ key, ttl, tags, factory: (ctx) => factory(ctx as unknown as FactoryContext) })
    .then((value) => value ?? (null as T))
}

/**
 * Entries built from published posts must end when a scheduled post's time
 * comes (nothing else happens then), so their TTL is cut to that moment.
 */
export async function endAtNextScheduledPost(ctx: FactoryContext) {
  const next = await Post.query()
    .where('published_at', '>', sqlTime(DateTime.now()))
    .orderBy('published_at')
    .select('published_at')
    .first()
  if (!next?.publishedAt) return
  const untilThen = next.publishedAt.toMillis() - Date.now() + 1000
  if (untilThen < string.milliseconds.parse(blogConfig.fragmentTtl)) {
    ctx.setOptions({ ttl: Math.max(untilThen, 1000) })
  }
}

/**
 * After a post is created, changed, published, unpublished or deleted.
 */
export async function forgetPosts() {
  if (blogConfig.pageCache) await cache.deleteByTag({ tags: [CACHE_TAGS.posts] })
}

/**
 * After a run starts or completes: the home page's mailing numbers changed.
 */
export async function forgetHomeNumbers() {
  if (blogConfig.pageCache) await cache.deleteByTag({ tags: [CACHE_TAGS.homeNumbers] })
}
