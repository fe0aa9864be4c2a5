import type { DateTime } from 'luxon'
import type User from '#models/user'
import type Post from '#models/post'
import { renderPostMarkdown } from '#services/blog/markdown'
import { removeCover, storeCover } from '#services/blog/covers'
import { forgetPosts } from '#services/blog/public_cache'
import { recordPostAction, recordPublicationChange } from '#services/blog/post_audit'
import { uniqueSlugFor } from '#services/blog/post_slugs'
import type { PostInput } from '#validators/post'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * Saves the form into a post. A new cover gets a new file name (so cached
 * copies of the old one are never wrong); the old file is removed once the
 * change is committed.
 */
export default class UpdatePost {
  static async handle({ actor, post, data }: { actor: User; post: Post; data: PostInput }) {
    const newCover = data.cover ? await storeCover(data.cover) : null
    const oldCover = post.coverName
    const replacesCover = newCover !== null || data.removeCover === true
    const publishedBefore = post.publishedAt
    try {
      await writeTransaction(async (trx) => {
        post.useTransaction(trx)
        post.merge({
          title: data.title,
          slug: data.slug || (await uniqueSlugFor(data.title, trx)),
          excerpt: data.excerpt ?? '',
          bodyMarkdown: data.body,
          bodyHtml: renderPostMarkdown(data.body),
          publishedAt: keepSeconds(publishedBefore, data.publishedAt ?? null),
        })
        if (replacesCover) post.coverName = newCover
        await post.save()
        await recordPostAction(actor, 'update', post, trx)
        if (newCover) await recordPostAction(actor, 'cover_upload', post, trx)
        await recordPublicationChange(actor, post, publishedBefore, trx)
      })
    } catch (error) {
      await removeCover(newCover)
      throw error
    }
    if (replacesCover) await removeCover(oldCover)
    await forgetPosts()
    return post
  }
}

/**
 * The form shows the publication time to the minute; saving it unchanged
 * keeps the exact time, so the post keeps its place in the blog list.
 */
function keepSeconds(before: DateTime | null, submitted: DateTime | null) {
  if (before && submitted && before.startOf('minute').equals(submitted.startOf('minute'))) {
    return before
  }
  return submitted
}
