import type Tenant from '#models/tenant'
import WorkspaceSmtpServer from '#models/workspace_smtp_server'
import type { SmtpServerData } from '#validators/smtp_server'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * Saves the workspace's own SMTP server. An empty password keeps the saved
 * one (the page never shows it back); no user name means no login, so no
 * password either. Every save is a new version: workers drop the pool of
 * the old one at their next batch (send_routes.ts).
 */
export default class SaveSmtpServer {
  static async handle(actor: Actor, tenant: Tenant, data: SmtpServerData) {
    return writeTransaction(async (trx) => {
      const existing = await WorkspaceSmtpServer.query({ client: trx })
        .where('tenant_id', tenant.id)
        .forUpdate()
        .first()
      const server = existing ?? new WorkspaceSmtpServer()
      server.useTransaction(trx)
      const username = data.username || null
      server.merge({
        tenantId: tenant.id,
        host: data.host,
        port: data.port,
        tlsMode: data.tlsMode,
        username,
        password: username ? (data.password ?? existing?.password ?? null) : null,
        poolSize: data.poolSize,
        sendRate: data.sendRate ?? null,
        version: (existing?.version ?? 0) + 1,
      })
      await server.save()
      // Never the password.
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: tenant.id,
          action: 'smtp_server.save',
          subject: { type: 'smtp_server', id: server.id, label: `${server.host}:${server.port}` },
          details: { tlsMode: server.tlsMode, username: server.username, version: server.version },
        },
        trx
      )
      return server
    })
  }
}
