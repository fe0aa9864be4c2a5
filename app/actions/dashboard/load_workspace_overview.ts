import db from '@adonisjs/lucid/services/db'
import type Tenant from '#models/tenant'
import { MAILING_STATUSES, type MailingStatus } from '#models/mailing'
import { countWorkspaceClients } from '#services/clients/client_count'

export interface ActivityItem {
  kind: 'client' | 'message' | 'mailing'
  label: string
  id: number
  at: string
}

/**
 * The numbers on a workspace's dashboard, each from one indexed query (the
 * client count from its cache).
 */
export default class LoadWorkspaceOverview {
  static async handle(tenant: Tenant) {
    const [clients, messages, byStatus, nextRuns, recentMailings, recentMessages, recentClients] =
      await Promise.all([
        countWorkspaceClients(tenant),
        db.from('messages').where('tenant_id', tenant.id).count('* as total'),
        db
          .from('mailings')
          .where('tenant_id', tenant.id)
          .whereNull('archived_at')
          .groupBy('status')
          .select('status')
          .count('* as total'),
        tenant
          .related('mailings')
          .query()
          .whereNull('archived_at')
          .whereNotNull('next_run_at')
          .whereIn('status', ['created', 'running'])
          .orderBy('next_run_at', 'asc')
          .limit(5),
        db
          .from('mailings')
          .where('tenant_id', tenant.id)
          .orderBy('updated_at', 'desc')
          .limit(5)
          .select('id', 'name', 'updated_at'),
        db
          .from('messages')
          .where('tenant_id', tenant.id)
          .orderBy('updated_at', 'desc')
          .limit(5)
          .select('id', 'subject', 'updated_at'),
        db
          .from('clients')
          .where('tenant_id', tenant.id)
          .orderBy('created_at', 'desc')
          .limit(5)
          .select('id', 'email', 'created_at'),
      ])

    const mailingsByStatus = Object.fromEntries(
      MAILING_STATUSES.map((status) => [status, 0])
    ) as Record<MailingStatus, number>
    for (const row of byStatus) mailingsByStatus[row.status as MailingStatus] = Number(row.total)

    const activity: ActivityItem[] = [
      ...recentMailings.map((row) => ({
        kind: 'mailing' as const,
        label: row.name,
        id: row.id,
        at: String(row.updated_at),
      })),
      ...recentMessages.map((row) => ({
        kind: 'message' as const,
        label: row.subject,
        id: row.id,
        at: String(row.updated_at),
      })),
      ...recentClients.map((row) => ({
        kind: 'client' as const,
        label: row.email,
        id: row.id,
        at: String(row.created_at),
      })),
    ]
      .sort((a, b) => new Date(b.at).getTime() - new Date(a.at).getTime())
      .slice(0, 8)

    return {
      clientsCount: clients.total,
      pendingClientsCount: clients.pending,
      messagesCount: Number(messages[0].total),
      mailingsByStatus,
      nextRuns,
      activity,
    }
  }
}
