import type { HttpContext } from '@adonisjs/core/http'
import blogConfig from '#config/blog'
import Post from '#models/post'
import { CACHE_TAGS, cached } from '#services/blog/public_cache'

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
 * A published article by its slug, or null (unknown, draft, scheduled).
 * The fragment depends on the post only (never on who is looking), so one
 * cached copy serves everybody. Misses are not cached: made-up slugs must
 * not fill the cache.
 */
export default class RenderBlogArticle {
  static handle(view: HttpContext['view'], slug: string): Promise<PublicArticle | null> {
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
