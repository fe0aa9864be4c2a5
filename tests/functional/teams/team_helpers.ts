import Membership from '#models/membership'
import Invitation from '#models/invitation'
import type Tenant from '#models/tenant'
import WorkspaceAuditLog from '#models/workspace_audit_log'
import { DateTime } from 'luxon'
import { createUser } from '#tests/helpers/users'
import type { WorkspaceRole } from '#teams/workspace_roles'

/**
 * A new user (with a workspace of their own) made a member of `tenant`
 * with `role`, and last in it, so their log-in lands there.
 */
export async function addMember(tenant: Tenant, role: WorkspaceRole) {
  const { user } = await createUser()
  const membership = await Membership.create({ tenantId: tenant.id, userId: user.id, role })
  user.lastTenantId = tenant.id
  await user.save()
  return { user, membership }
}

/**
 * An invitation saved directly (the invite form has its own tests), with
 * the secret of its link, sent by the workspace's first owner unless told.
 */
export async function createInvitation(
  tenant: Tenant,
  overrides: Partial<
    Pick<Invitation, 'email' | 'role' | 'expiresAt' | 'revokedAt' | 'acceptedAt' | 'invitedById'>
  > = {}
) {
  const token = Invitation.newToken()
  const owner = await Membership.query()
    .where({ tenantId: tenant.id, role: 'owner' })
    .orderBy('id')
    .firstOrFail()
  const invitation = await Invitation.create({
    tenantId: tenant.id,
    email: overrides.email ?? `invitee-${token.slice(0, 8).toLowerCase()}@example.com`,
    role: overrides.role ?? 'editor',
    tokenHash: Invitation.hashOf(token),
    expiresAt: overrides.expiresAt ?? DateTime.now().plus({ days: 7 }),
    revokedAt: overrides.revokedAt ?? null,
    acceptedAt: overrides.acceptedAt ?? null,
    invitedById: overrides.invitedById ?? owner.userId,
  })
  return { invitation, token, link: `/invitations/${token}` }
}

export async function roleIn(tenantId: number, userId: number) {
  const membership = await Membership.query()
    .where('tenantId', tenantId)
    .where('userId', userId)
    .first()
  return membership?.role ?? null
}

export async function ownersOf(tenantId: number) {
  const owners = await Membership.query().where('tenantId', tenantId).where('role', 'owner')
  return owners.length
}

export async function auditActionsOf(tenantId: number) {
  const rows = await WorkspaceAuditLog.query().where('tenantId', tenantId).orderBy('id')
  return rows.map((row) => row.action)
}
