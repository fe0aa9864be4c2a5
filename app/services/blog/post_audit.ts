import string from '@adonisjs/core/helpers/string'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { DateTime } from 'luxon'
import type { Infer } from '@vinejs/vine/types'
import type User from '#models/user'
import type Post from '#models/post'
import RecordStaffAction from '#actions/audit/record_staff_action'
import type { postValidator } from '#validators/post'

/**
 * What the post actions share: the validated form, slugs, and the audit
 * entries every change to a post writes in its own transaction.
 */

export type PostInput = Infer<typeof postValidator>

const SLUG_MAX_LENGTH = 200

/**
 * A slug made from the title, unique among posts: "hello-world", then
 * "hello-world-2", "hello-world-3"…
 */
export async function uniqueSlugFor(title: string, trx: TransactionClientContract) {
  const base =
    string
      .slug(title, { lower: true, strict: true, trim: true })
      .slice(0, SLUG_MAX_LENGTH - 8)
      .replace(/-+$/, '') || 'post'
  const taken = new Set(
    await trx
      .from('posts')
      .where('slug', base)
      .orWhere('slug', 'like', `${base}-%`)
      .select('slug')
      .then((rows) => rows.map((row) => row.slug as string))
  )
  let slug = base
  for (let suffix = 2; taken.has(slug); suffix++) slug = `${base}-${suffix}`
  return slug
}

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
