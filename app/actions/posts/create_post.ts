import type User from '#models/user'
import Post from '#models/post'
import { renderPostMarkdown } from '#services/blog/markdown'
import { removeCover, storeCover } from '#services/blog/covers'
import { forgetPosts } from '#services/blog/public_cache'
import { recordPostAction, recordPublicationChange } from '#services/blog/post_audit'
import { uniqueSlugFor } from '#services/blog/post_slugs'
import type { PostInput } from '#validators/post'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * Writes a new post (a draft, scheduled or published, as the form says),
 * with its cover, and logs it.
 */
export default class CreatePost {
  static async handle({ actor, data }: { actor: User; data: PostInput }) {
    const coverName = data.cover ? await storeCover(data.cover) : null
    try {
      const post = await writeTransaction(async (trx) => {
        const created = await Post.create(
          {
            title: data.title,
            slug: data.slug || (await uniqueSlugFor(data.title, trx)),
            excerpt: data.excerpt ?? '',
            bodyMarkdown: data.body,
            bodyHtml: renderPostMarkdown(data.body),
            coverName,
            publishedAt: data.publishedAt ?? null,
            authorId: actor.id,
          },
          { client: trx }
        )
        await recordPostAction(actor, 'create', created, trx)
        if (coverName) await recordPostAction(actor, 'cover_upload', created, trx)
        await recordPublicationChange(actor, created, null, trx)
        return created
      })
      await forgetPosts()
      return post
    } catch (error) {
      await removeCover(coverName)
      throw error
    }
  }
}
