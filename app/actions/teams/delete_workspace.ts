import type { Actor } from '#actions/audit/record_workspace_event'
import { writeTransaction } from '#services/database/write_transaction'
import { assertActorMayStill, lockWorkspace } from '#teams/owners'
import type Tenant from '#models/tenant'

export class WorkspaceNameMismatchError extends Error {
  constructor(name: string) {
    super(`Type the workspace's name, ${name}, to delete it.`)
  }
}

/**
 * An owner deletes their workspace and everything in it: clients, messages,
 * mailings and their logs, members' places (not their accounts), tokens,
 * webhooks. The database's cascades do the deleting, in one transaction.
 * A worker holding a batch of it then claims nothing (its rows are gone);
 * only a message already handed to the mail server goes. Members who were
 * last in it land in another of theirs on their next request
 * (users.tenant_id is SET NULL).
 */
export default class DeleteWorkspace {
  static async handle(actor: Actor, tenant: Tenant, confirmation: string) {
    if (confirmation.trim() !== tenant.name) throw new WorkspaceNameMismatchError(tenant.name)

    await writeTransaction(async (trx) => {
      // An owner demoted meanwhile (by another owner) deletes nothing.
      await lockWorkspace(trx, tenant.id)
      await assertActorMayStill(trx, actor, tenant.id, true)
      // First what holds tags, messages and segments with RESTRICT (a
      // mailing, a sign-up form): a cascade from the workspace could reach
      // a tag before the rows that hold it, and be refused.
      await trx.from('mailings').where('tenant_id', tenant.id).delete()
      await trx.from('signup_forms').where('tenant_id', tenant.id).delete()
      await trx.from('tenants').where('id', tenant.id).delete()
    })
  }
}
