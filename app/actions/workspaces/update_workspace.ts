import db from '@adonisjs/lucid/services/db'
import type Tenant from '#models/tenant'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'

/**
 * An admin renames the workspace or moves it to another time zone.
 */
export default class UpdateWorkspace {
  static async handle(
    actor: Actor,
    tenant: Tenant,
    { name, timeZone }: { name: string; timeZone: string }
  ) {
    const before = { name: tenant.name, timeZone: tenant.timeZone }
    await db.transaction(async (trx) => {
      tenant.useTransaction(trx)
      tenant.merge({ name, timeZone })
      await tenant.save()
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: tenant.id,
          action: 'workspace.update',
          subject: { type: 'workspace', id: tenant.id, label: tenant.name },
          details: changesOf(before, { name, timeZone }),
        },
        trx
      )
    })
  }
}

/**
 * `{ field: { from, to } }` for the fields that changed.
 */
export function changesOf<T extends Record<string, unknown>>(before: T, after: T) {
  const changes: Record<string, { from: unknown; to: unknown }> = {}
  for (const key of Object.keys(after)) {
    if (before[key] !== after[key]) changes[key] = { from: before[key], to: after[key] }
  }
  return changes
}
