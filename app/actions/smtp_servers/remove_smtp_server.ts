import type Tenant from '#models/tenant'
import WorkspaceSmtpServer from '#models/workspace_smtp_server'

/**
 * Forgets the workspace's own server: its mailings go through the
 * platform's again from their next batch.
 */
export default class RemoveSmtpServer {
  static async handle(tenant: Tenant) {
    await WorkspaceSmtpServer.query().where('tenant_id', tenant.id).delete()
  }
}
