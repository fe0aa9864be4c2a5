import blogConfig from '#config/blog'
import Post from '#models/post'
import { type PostCard, toPostCard } from '#services/blog/post_cards'
import { CACHE_TAGS, cached, endAtNextScheduledPost } from '#services/blog/public_cache'

/**
 * How many of the latest posts the home page picks from.
 */
const POOL_SIZE = 50

/**
 * Random published posts for the home page: a pool of the latest posts'
 * cards is cached (cleared with every post change), and the pick is drawn
 * from it. The draw changes every `publicMaxAge` seconds rather than on
 * every request, so the page is the same for everybody within the time
 * browsers and shared caches keep it, and ETag/304 work.
 */
export default class PickRandomPosts {
  static async handle(count: number, now = Date.now()) {
    const pool = await latestPostsPool()
    const period = Math.floor(now / 1000 / blogConfig.publicMaxAge)
    return shuffled(pool, period).slice(0, count)
  }
}

/**
 * The cards of the latest published posts, cached.
 */
function latestPostsPool(): Promise<PostCard[]> {
  return cached({
    key: 'blog:random-pool',
    ttl: blogConfig.fragmentTtl,
    tags: [CACHE_TAGS.posts],
    factory: async (ctx) => {
      await endAtNextScheduledPost(ctx)
      const posts = await Post.query()
        .withScopes((scopes) => scopes.published())
        .select('title', 'slug', 'excerpt', 'cover_name', 'published_at')
        .orderBy('published_at', 'desc')
        .limit(POOL_SIZE)
      return posts.map(toPostCard)
    },
  })
}

/**
 * A copy of the list in an order fixed by the seed (Fisher–Yates driven by
 * mulberry32, a small seeded generator).
 */
function shuffled<T>(items: T[], seed: number) {
  let state = seed >>> 0
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const copy = [...items]
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1))
    ;[copy[index], copy[other]] = [copy[other], copy[index]]
  }
  return copy
}
