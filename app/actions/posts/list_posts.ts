import Post from '#models/post'

export const POSTS_PER_ADMIN_PAGE = 25

/**
 * The editor's list: drafts first, then by publication time, newest first
 * (scheduled ones on top). One row more than shown tells whether there is
 * a next page, without counting every post.
 */
export default class ListPosts {
  static async handle(page: number) {
    const rows = await Post.query()
      .select('id', 'title', 'slug', 'published_at', 'views_count', 'updated_at')
      .orderByRaw('CASE WHEN published_at IS NULL THEN 0 ELSE 1 END')
      .orderBy('published_at', 'desc')
      .orderBy('id', 'desc')
      .offset((page - 1) * POSTS_PER_ADMIN_PAGE)
      .limit(POSTS_PER_ADMIN_PAGE + 1)
    return {
      posts: rows.slice(0, POSTS_PER_ADMIN_PAGE),
      hasNextPage: rows.length > POSTS_PER_ADMIN_PAGE,
    }
  }
}
