import type Tenant from '#models/tenant'
import WorkspaceSmtpServer from '#models/workspace_smtp_server'

/**
 * The workspace's own SMTP server as saved, or null when it sends through
 * the platform's.
 */
export default class FindSmtpServer {
  static handle(tenant: Tenant) {
    return WorkspaceSmtpServer.findBy('tenantId', tenant.id)
  }
}
