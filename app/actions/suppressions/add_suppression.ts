import type Tenant from '#models/tenant'
import Suppression from '#models/suppression'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import SuppressAddress from '#actions/suppressions/suppress_address'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * A person (the page) or a system (the API) adds an address to the
 * workspace's suppression list, reason `manual`. Idempotent: an address
 * already listed keeps its entry, and its reason when that is stronger
 * (a complaint stays a complaint).
 *
 * Returns the entry and whether it is new.
 */
export default class AddSuppression {
  static async handle(
    actor: Actor,
    tenant: Tenant,
    { email, detail, source }: { email: string; detail?: string; source: 'manual' | 'api' }
  ) {
    return writeTransaction(async (trx) => {
      const created = await SuppressAddress.handle(
        { tenantId: tenant.id, email, reason: 'manual', source, detail: detail || null },
        trx
      )
      const entry = await Suppression.query({ client: trx })
        .where('tenant_id', tenant.id)
        .where('email', email.trim().toLowerCase())
        .firstOrFail()
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: tenant.id,
          action: 'suppression.add',
          subject: { type: 'suppression', id: entry.id, label: entry.email },
          details: { created, reason: entry.reason },
        },
        trx
      )
      return { entry, created }
    })
  }
}
