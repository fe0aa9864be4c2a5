import db from '@adonisjs/lucid/services/db'
import Tenant from '#models/tenant'
import Membership from '#models/membership'
import type User from '#models/user'

/**
 * A signed-in person starts another workspace, which they own. They land
 * in it (the caller switches the session).
 */
export default class CreateWorkspace {
  static async handle(user: User, input: { name: string; timeZone: string }) {
    return db.transaction(async (trx) => {
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
