import db from '@adonisjs/lucid/services/db'
import type Tenant from '#models/tenant'
import type Mailing from '#models/mailing'
import { countWorkspaceClients, mailableClients } from '#services/clients/client_count'

/**
 * How many recipients each mailing has, in two queries whatever the number
 * of mailings: the workspace's client count (cached, less its pending
 * clients, whom a run never mails) for "all clients" mailings, one grouped
 * count for the others.
 */
export async function countRecipients(tenant: Tenant, mailings: Mailing[]) {
  const counts = new Map<number, number>()
  if (mailings.length === 0) return counts

  if (mailings.some((mailing) => mailing.audience === 'all')) {
    const total = mailableClients(await countWorkspaceClients(tenant))
    for (const mailing of mailings) {
      if (mailing.audience === 'all') counts.set(mailing.id, total)
    }
  }

  const selected = mailings.filter((mailing) => mailing.audience === 'selected').map((m) => m.id)
  if (selected.length > 0) {
    const rows = await db
      .from('mailing_recipients')
      .whereIn('mailing_id', selected)
      .groupBy('mailing_id')
      .select('mailing_id')
      .count('* as total')
    for (const id of selected) counts.set(id, 0)
    for (const row of rows) counts.set(Number(row.mailing_id), Number(row.total))
  }
  return counts
}
