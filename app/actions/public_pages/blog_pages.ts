import { DateTime } from 'luxon'
import type { HttpContext } from '@adonisjs/core/http'
import blogConfig from '#config/blog'
import Post from '#models/post'
import { toPostCard } from '#actions/public_pages/random_posts'
import { CACHE_TAGS, cached, endAtNextScheduledPost } from '#services/blog/public_cache'

export const POSTS_PER_PAGE = 10

type View = HttpContext['view']

/**
 * A page of the blog list, its HTML fragment rendered once and kept in the
 * cache until a post changes. `builtAt` is its Last-Modified.
 */
export interface BlogListPage {
  html: string
  count: number
  hasNext: boolean
  builtAt: string
}

/**
 * An article as the public sees it, its body's HTML fragment cached with
 * it. The view count is the database's when the entry was built: a few
 * minutes behind at most (fragmentTtl plus the flush interval).
 */
export interface PublicArticle {
  id: number
  title: string
  slug: string
  excerpt: string
  coverName: string | null
  updatedAt: string
  html: string
}

/**
 * The public blog's pages. The fragments depend on posts only (never on who
 * is looking), so one cached copy serves everybody.
 */
export default class BlogPages {
  static listPage(view: View, page: number): Promise<BlogListPage> {
    return cached({
      key: `blog:list:${page}`,
      ttl: blogConfig.fragmentTtl,
      tags: [CACHE_TAGS.posts],
      factory: async (ctx) => {
        await endAtNextScheduledPost(ctx)
        const rows = await Post.query()
          .withScopes((scopes) => scopes.published())
          .select('id', 'title', 'slug', 'excerpt', 'cover_name', 'published_at')
          .orderBy('published_at', 'desc')
          .orderBy('id', 'desc')
          .offset((page - 1) * POSTS_PER_PAGE)
          .limit(POSTS_PER_PAGE + 1)
        const posts = rows.slice(0, POSTS_PER_PAGE)
        return {
          html: await view.render('pages/blog/_post_list', { posts: posts.map(toPostCard) }),
          count: posts.length,
          hasNext: rows.length > POSTS_PER_PAGE,
          builtAt: DateTime.now().toISO()!,
        }
      },
    })
  }

  /**
   * A published article by its slug, or null (unknown, draft, scheduled).
   * Misses are not cached: made-up slugs must not fill the cache.
   */
  static article(view: View, slug: string): Promise<PublicArticle | null> {
    return cached<PublicArticle | null>({
      key: `blog:article:${slug}`,
      ttl: blogConfig.fragmentTtl,
      tags: [CACHE_TAGS.posts],
      factory: async (ctx) => {
        const post = await Post.query()
          .withScopes((scopes) => scopes.published())
          .where('slug', slug)
          .first()
        if (!post) return ctx.skip()
        return {
          id: post.id,
          title: post.title,
          slug: post.slug,
          excerpt: post.excerpt,
          coverName: post.coverName,
          updatedAt: (post.updatedAt ?? post.createdAt).toISO()!,
          html: await view.render('pages/blog/_article_body', { post }),
        }
      },
    })
  }
}
