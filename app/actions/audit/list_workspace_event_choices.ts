import db from '@adonisjs/lucid/services/db'
import type Tenant from '#models/tenant'

/**
 * What the audit log's filters offer: the actions and the members that
 * appear in the workspace's log (a member who has left is still there to
 * filter by).
 */
export default class ListWorkspaceEventChoices {
  static async handle(tenant: Tenant) {
    const [actions, members] = await Promise.all([
      db
        .from('workspace_audit_logs')
        .where('tenant_id', tenant.id)
        .distinct('action')
        .orderBy('action'),
      db
        .from('workspace_audit_logs')
        .where('tenant_id', tenant.id)
        .whereNotNull('actor_id')
        .distinct('actor_id', 'actor_email')
        .orderBy('actor_email'),
    ])
    return {
      actions: actions.map((row) => row.action as string),
      members: members.map((row) => ({
        id: Number(row.actor_id),
        email: row.actor_email as string | null,
      })),
    }
  }
}
