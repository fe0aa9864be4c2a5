import teamsConfig from '#config/teams'
import { writeTransaction } from '#services/database/write_transaction'
import Tenant from '#models/tenant'
import Membership from '#models/membership'
import type User from '#models/user'

export class OwnedWorkspacesLimitError extends Error {
  constructor() {
    super(
      `You own ${teamsConfig.maxOwnedWorkspaces} workspaces, the most one person may. Delete one or hand it over first.`
    )
  }
}

/**
 * A signed-in person starts another workspace, which they own. They land
 * in it (the caller switches the session). Owning is capped
 * (config/teams.ts); the count and the insert are serialized per person,
 * so a burst of submits cannot pass the cap together.
 */
export default class CreateWorkspace {
  static async handle(user: User, input: { name: string; timeZone: string }) {
    return writeTransaction(async (trx) => {
      // PostgreSQL: the person's row, locked, queues their concurrent
      // submits (SQLite's write transaction already does).
      if (trx.dialect.name === 'postgres') {
        await trx.from('users').where('id', user.id).forUpdate().select('id')
      }
      const owned = await Membership.query({ client: trx })
        .where('userId', user.id)
        .where('role', 'owner')
        .count('* as total')
        .firstOrFail()
      if (Number(owned.$extras.total) >= teamsConfig.maxOwnedWorkspaces) {
        throw new OwnedWorkspacesLimitError()
      }

      const tenant = await Tenant.create(
        { name: input.name, timeZone: input.timeZone },
        { client: trx }
      )
      await Membership.create(
        { tenantId: tenant.id, userId: user.id, role: 'owner' },
        { client: trx }
      )
      user.useTransaction(trx)
      user.lastTenantId = tenant.id
      await user.save()
      return tenant
    })
  }
}
