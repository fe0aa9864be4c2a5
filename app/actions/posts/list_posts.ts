import Post from '#models/post'
import { offsetPage } from '#services/database/pagination'

export const POSTS_PER_ADMIN_PAGE = 25

/**
 * The editor's list: drafts first, then by publication time, newest first
 * (scheduled ones on top).
 */
export default class ListPosts {
  static async handle(page: number) {
    const query = Post.query()
      .select('id', 'title', 'slug', 'published_at', 'views_count', 'updated_at')
      .orderByRaw('CASE WHEN published_at IS NULL THEN 0 ELSE 1 END')
      .orderBy('published_at', 'desc')
      .orderBy('id', 'desc')
    const { items, hasNext } = await offsetPage(query, { page, perPage: POSTS_PER_ADMIN_PAGE })
    return { posts: items, hasNextPage: hasNext }
  }
}
