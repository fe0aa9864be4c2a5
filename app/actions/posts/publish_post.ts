import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type User from '#models/user'
import type Post from '#models/post'
import { forgetPosts } from '#services/blog/public_cache'
import { recordPostAction } from '#services/blog/post_audit'

/**
 * Publishes a post now (a draft, or a scheduled post brought forward).
 */
export default class PublishPost {
  static async handle({ actor, post }: { actor: User; post: Post }) {
    await db.transaction(async (trx) => {
      post.useTransaction(trx)
      post.publishedAt = DateTime.now()
      await post.save()
      await recordPostAction(actor, 'publish', post, trx)
    })
    await forgetPosts()
  }
}
