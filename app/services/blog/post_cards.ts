import type Post from '#models/post'

export interface PostCard {
  title: string
  slug: string
  excerpt: string
  coverName: string | null
  publishedAt: string
}

/**
 * What a list or the home page shows of a published post; plain values, so
 * it can be kept in the cache.
 */
export function toPostCard(post: Post): PostCard {
  return {
    title: post.title,
    slug: post.slug,
    excerpt: post.excerpt,
    coverName: post.coverName,
    publishedAt: post.publishedAt!.toISO()!,
  }
}
