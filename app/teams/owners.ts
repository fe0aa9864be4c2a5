import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Membership from '#models/membership'
import { TeamRuleError } from '#teams/team_rule_error'
import { roleAtLeast } from '#teams/workspace_roles'

/**
 * Takes the workspace's row lock for the rest of the transaction, so the
 * member changes of one workspace run one after the other: two owners
 * demoting each other at the same moment must not both see the other one
 * still an owner. SQLite needs nothing: a write transaction
 * (writeTransaction) already holds the database's only write lock.
 */
export async function lockWorkspace(trx: TransactionClientContract, tenantId: number) {
  if (trx.dialect.name !== 'postgres') return
  await trx.from('tenants').where('id', tenantId).select('id').forUpdate()
}

/**
 * Refuses a change that would take the last owner away from a workspace
 * (leaving, removal, demotion): a workspace always keeps one, who can
 * delete it, hand it over and manage everyone. Call under lockWorkspace.
 */
export async function assertAnotherOwner(
  trx: TransactionClientContract,
  member: Membership,
  refusal: string
) {
  if (member.role !== 'owner') return
  const others = await Membership.query({ client: trx })
    .where('tenantId', member.tenantId)
    .where('role', 'owner')
    .whereNot('id', member.id)
    .count('* as total')
  if (Number(others[0].$extras.total) === 0) throw new TeamRuleError(refusal)
}

/**
 * The membership as it is now, read inside the transaction (the one the
 * page showed may have changed since); null once it is gone.
 */
export function rereadMembership(trx: TransactionClientContract, member: Membership) {
  return Membership.query({ client: trx })
    .where('id', member.id)
    .where('tenantId', member.tenantId)
    .preload('user')
    .first()
}

/**
 * The actor may still make this change, as their role is now: the policy
 * was checked on the role the request started with, and a concurrent
 * demotion (by another owner, under this same lock) must not let a
 * former owner go on removing owners. Call under lockWorkspace.
 */
export async function assertActorMayStill(
  trx: TransactionClientContract,
  actor: { user: { id: number } },
  tenantId: number,
  touchesOwners: boolean
) {
  const own = await Membership.query({ client: trx })
    .where('tenantId', tenantId)
    .where('userId', actor.user.id)
    .first()
  const least = touchesOwners ? 'owner' : 'admin'
  if (!roleAtLeast(own?.role, least)) {
    throw new TeamRuleError(
      `This needs the ${least} role in this workspace, and yours is ${own?.role ?? 'gone'} now. Nothing was changed.`
    )
  }
}
