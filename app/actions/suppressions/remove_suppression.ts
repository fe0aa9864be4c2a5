import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type Suppression from '#models/suppression'
import { sqlTime } from '#services/database/sql_time'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * A complaint's entry is removed only when the person confirms it: the
 * recipient told their mail provider this was spam, and mailing them again
 * hurts every workspace's reputation.
 */
export class ComplaintRemovalNotConfirmedError extends Error {
  constructor() {
    super('Removing a complaint must be confirmed')
  }
}

/**
 * An `unsubscribed` entry is the recipient's own choice: only they can
 * subscribe again, never the workspace (consent, and the law in most places).
 */
export class UnsubscribeNotRemovableError extends Error {
  constructor() {
    super('An unsubscribe cannot be removed by the workspace')
  }
}

/**
 * `removed`: the address may be mailed again. `kept_unsubscribed`: the
 * entry was a bounce, complaint or manual one of a client who had also
 * unsubscribed; it is now their unsubscribe again.
 */
export type SuppressionRemoval = 'removed' | 'kept_unsubscribed'

/**
 * Takes an address off the workspace's suppression list, so mailings may
 * reach it again. The list is the truth for "may we mail this address",
 * and `clients.unsubscribed_at` the record of a client's own click, which
 * nothing here ever clears:
 * - an `unsubscribed` entry is refused (UnsubscribeNotRemovableError);
 * - any other entry of a client who had unsubscribed becomes their
 *   `unsubscribed` entry again: clearing a bounce never re-subscribes
 *   someone who left.
 * The address's soft-bounce streak goes with the entry: the owner says the
 * address works again, so the next soft bounce starts a new streak instead
 * of re-suppressing it at once.
 * In one transaction, so the list, the client and the streak agree. An
 * entry kept is read back into `entry` after the commit.
 */
export default class RemoveSuppression {
  static async handle(
    actor: Actor,
    entry: Suppression,
    { complaintConfirmed = false }: { complaintConfirmed?: boolean } = {}
  ): Promise<SuppressionRemoval> {
    if (entry.reason === 'unsubscribed') throw new UnsubscribeNotRemovableError()
    if (entry.reason === 'complaint' && !complaintConfirmed) {
      throw new ComplaintRemovalNotConfirmedError()
    }
    const removal = await writeTransaction(async (trx) => {
      const outcome = await RemoveSuppression.#remove(entry, trx)
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: entry.tenantId,
          action: 'suppression.remove',
          subject: { type: 'suppression', id: entry.id, label: entry.email },
          details: { reason: entry.reason, outcome },
        },
        trx
      )
      return outcome
    })
    // The entry kept is shown as it is now (an unsubscribe again).
    if (removal === 'kept_unsubscribed') await entry.refresh()
    return removal
  }

  static async #remove(
    entry: Suppression,
    trx: TransactionClientContract
  ): Promise<SuppressionRemoval> {
    const now = sqlTime()
    const address = { tenant_id: entry.tenantId, email: entry.email }
    const client = await trx.from('clients').where(address).select('unsubscribed_at').first()
    await trx.from('soft_bounce_streaks').where(address).delete()
    const row = () => trx.from('suppressions').where({ id: entry.id, tenant_id: entry.tenantId })

    if (client?.unsubscribed_at) {
      await row().update({
        reason: 'unsubscribed',
        source: 'unsubscribe',
        detail: null,
        delivery_id: null,
        updated_at: now,
      })
      return 'kept_unsubscribed'
    }
    await row().delete()
    return 'removed'
  }
}
