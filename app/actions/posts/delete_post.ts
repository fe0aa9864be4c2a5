import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import type Post from '#models/post'
import { removeCover } from '#services/blog/covers'
import { forgetPosts } from '#services/blog/public_cache'
import { recordPostAction } from '#services/blog/post_audit'

/**
 * Deletes a post and its cover; the audit log keeps its title.
 */
export default class DeletePost {
  static async handle({ actor, post }: { actor: User; post: Post }) {
    await db.transaction(async (trx) => {
      post.useTransaction(trx)
      await recordPostAction(actor, 'delete', post, trx)
      await post.delete()
    })
    await removeCover(post.coverName)
    await forgetPosts()
  }
}
