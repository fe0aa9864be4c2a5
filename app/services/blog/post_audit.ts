import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { DateTime } from 'luxon'
import type User from '#models/user'
import type Post from '#models/post'
import RecordStaffAction from '#actions/audit/record_staff_action'

/**
 * The audit entries every change to a post writes, in the change's own
 * transaction.
 */

type PostAction = 'create' | 'update' | 'publish' | 'unpublish' | 'delete' | 'cover_upload'

export function recordPostAction(
  actor: User,
  action: PostAction,
  post: Post,
  trx: TransactionClientContract,
  details: Record<string, unknown> | null = null
) {
  return RecordStaffAction.handle(
    {
      actor,
      action: `post.${action}`,
      subject: { type: 'post', id: post.id, label: post.title },
      details,
    },
    trx
  )
}

/**
 * A form save that sets or clears the publication time is a publish or an
 * unpublish too, and is logged as such.
 */
export async function recordPublicationChange(
  actor: User,
  post: Post,
  before: DateTime | null,
  trx: TransactionClientContract
) {
  const after = post.publishedAt
  if (!before && after) {
    await recordPostAction(actor, 'publish', post, trx, { publishedAt: after.toISO() })
  } else if (before && !after) {
    await recordPostAction(actor, 'unpublish', post, trx)
  }
}
