import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import type Post from '#models/post'
import { forgetPosts } from '#services/blog/public_cache'
import { recordPostAction } from '#services/blog/post_audit'

/**
 * Takes a post off the blog: back to a draft.
 */
export default class UnpublishPost {
  static async handle({ actor, post }: { actor: User; post: Post }) {
    await db.transaction(async (trx) => {
      post.useTransaction(trx)
      post.publishedAt = null
      await post.save()
      await recordPostAction(actor, 'unpublish', post, trx)
    })
    await forgetPosts()
  }
}
