import db from '@adonisjs/lucid/services/db'
import type Tenant from '#models/tenant'
import type { SuppressionReason } from '#models/suppression'
import { newestFirstPage } from '#services/database/pagination'

export const SUPPRESSIONS_PER_PAGE = 50

export interface SuppressionListOptions {
  /** Addresses containing this (any case), for the page's search box. */
  q?: string
  /** This address only (the API's `?email=`). */
  email?: string
  reason?: SuppressionReason
  /** The id the page continues below (keyset). */
  after?: number
  perPage?: number
}

/**
 * One page of a workspace's suppression list, newest first, by keyset on
 * the id (entries only grow at the newest end; page 200 costs what page 1
 * costs, nothing counts the list). Rooted at the workspace.
 */
export default class ListSuppressions {
  static async handle(tenant: Tenant, options: SuppressionListOptions = {}) {
    const query = tenant.related('suppressions').query()
    if (options.email) query.where('email', options.email.trim().toLowerCase())
    if (options.reason) query.where('reason', options.reason)
    const q = options.q?.trim()
    if (q) {
      // Addresses are stored lower-cased: a lower-cased LIKE is a search in
      // any case on both databases. `%` and `_` are matched literally.
      const pattern = `%${q.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`
      query.whereRaw(`email like ? escape '\\'`, [pattern])
    }
    return newestFirstPage(query, {
      after: options.after,
      perPage: options.perPage ?? SUPPRESSIONS_PER_PAGE,
    })
  }
}

/**
 * The suppression reasons of some of a workspace's addresses (a page of its
 * clients), in one query on the (tenant_id, email) index: address → reason.
 */
export async function suppressionReasonsOf(tenant: Tenant, emails: string[]) {
  if (emails.length === 0) return new Map<string, SuppressionReason>()
  const rows: { email: string; reason: SuppressionReason }[] = await db
    .from('suppressions')
    .where('tenant_id', tenant.id)
    .whereIn('email', emails)
    .select('email', 'reason')
  return new Map(rows.map((row) => [row.email, row.reason]))
}
