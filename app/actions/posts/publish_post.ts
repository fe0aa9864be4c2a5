import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type User from '#models/user'
import type Post from '#models/post'
import { forgetPosts } from '#services/blog/public_cache'
import { recordPostAction } from '#services/blog/post_audit'

/**
 * Publishes a post now (a draft, or a scheduled post brought forward), or
 * takes it off the blog (back to a draft).
 */
export default class PublishPost {
  static async handle({ actor, post }: { actor: User; post: Post }) {
    await PublishPost.#change(actor, post, DateTime.now(), 'publish')
  }

  static async unpublish({ actor, post }: { actor: User; post: Post }) {
    await PublishPost.#change(actor, post, null, 'unpublish')
  }

  static async #change(
    actor: User,
    post: Post,
    publishedAt: DateTime | null,
    action: 'publish' | 'unpublish'
  ) {
    await db.transaction(async (trx) => {
      post.useTransaction(trx)
      post.publishedAt = publishedAt
      await post.save()
      await recordPostAction(actor, action, post, trx)
    })
    await forgetPosts()
  }
}
