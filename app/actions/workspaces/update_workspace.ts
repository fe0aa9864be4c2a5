import type Tenant from '#models/tenant'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * An admin renames the workspace, moves it to another time zone, or
 * requires its members to use two-factor log-in (members without it are
 * sent to set it up on their next request: app/two_factor/workspace_requirement.ts).
 * Recorded in the audit log with what changed, in the same transaction.
 */
export default class UpdateWorkspace {
  static async handle(
    actor: Actor,
    tenant: Tenant,
    {
      name,
      timeZone,
      requireTwoFactor,
    }: { name: string; timeZone: string; requireTwoFactor: boolean }
  ) {
    const before = {
      name: tenant.name,
      timeZone: tenant.timeZone,
      requireTwoFactor: tenant.requireTwoFactor,
    }
    await writeTransaction(async (trx) => {
      tenant.useTransaction(trx)
      tenant.merge({ name, timeZone, requireTwoFactor })
      await tenant.save()
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: tenant.id,
          action: 'workspace.update',
          subject: { type: 'workspace', id: tenant.id, label: tenant.name },
          details: changesOf(before, { name, timeZone, requireTwoFactor }),
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
