import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type Membership from '#models/membership'

/**
 * What ends with a membership (removed or left), in its transaction: the
 * membership, the API tokens the person made for that workspace, and the
 * workspace as the one they were last in. Their open sessions need nothing:
 * the tenant middleware reads the membership on every request, so their
 * next one lands in another of their workspaces (or on "New workspace").
 */
export default class EndMembership {
  static async handle(member: Membership, trx: TransactionClientContract) {
    await trx
      .from('auth_access_tokens')
      .where('tokenable_id', member.userId)
      .where('tenant_id', member.tenantId)
      .delete()
    await trx
      .from('users')
      .where('id', member.userId)
      .where('tenant_id', member.tenantId)
      .update({ tenant_id: null })
    member.useTransaction(trx)
    await member.delete()
  }
}
