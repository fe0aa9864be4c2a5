import { DateTime } from 'luxon'
import type { HttpContext } from '@adonisjs/core/http'
import blogConfig from '#config/blog'
import Post from '#models/post'
import { toPostCard } from '#services/blog/post_cards'
import { CACHE_TAGS, cached, endAtNextScheduledPost } from '#services/blog/public_cache'
import { offsetPage } from '#services/database/pagination'

export const POSTS_PER_PAGE = 10

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
 * A page of the public blog's list. The fragment depends on posts only
 * (never on who is looking), so one cached copy serves everybody.
 */
export default class RenderBlogListPage {
  static handle(view: HttpContext['view'], page: number): Promise<BlogListPage> {
    return cached({
      key: `blog:list:${page}`,
      ttl: blogConfig.fragmentTtl,
      tags: [CACHE_TAGS.posts],
      factory: async (ctx) => {
        await endAtNextScheduledPost(ctx)
        const query = Post.query()
          .withScopes((scopes) => scopes.published())
          .select('id', 'title', 'slug', 'excerpt', 'cover_name', 'published_at')
          .orderBy('published_at', 'desc')
          .orderBy('id', 'desc')
        const { items: posts, hasNext } = await offsetPage(query, { page, perPage: POSTS_PER_PAGE })
        return {
          html: await view.render('pages/blog/_post_list', { posts: posts.map(toPostCard) }),
          count: posts.length,
          hasNext,
          builtAt: DateTime.now().toISO()!,
        }
      },
    })
  }
}
