import { DateTime } from 'luxon'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Invitation from '#models/invitation'
import Membership from '#models/membership'
import User from '#models/user'
import RecordWorkspaceEvent from '#actions/audit/record_workspace_event'
import { writeTransaction } from '#services/database/write_transaction'
import { isConstraintViolation } from '#services/database/errors'
import { lockWorkspace } from '#teams/owners'
import { roleAtLeast } from '#teams/workspace_roles'

/**
 * Why a link does not (or no longer) open a workspace. Each is a page of
 * its own; none tells whether an unknown link ever existed.
 */
export type InvitationProblem =
  'unknown' | 'expired' | 'used' | 'revoked' | 'other_account' | 'account_exists'

export class InvitationRefusedError extends Error {
  constructor(
    public problem: InvitationProblem,
    public invitation: Invitation | null = null
  ) {
    super(`Invitation refused: ${problem}`)
  }
}

/**
 * Who accepts: the logged-in user, or a new account made from the link
 * (its email is the invitation's, and confirmed, since the link reached it).
 */
export type Acceptor = { user: User } | { newAccount: { fullName: string; password: string } }

/**
 * The invitation of a link's secret, or why it cannot be used. A secret
 * that is not one of ours is just unknown.
 */
export async function findInvitation(
  token: string,
  trx?: TransactionClientContract,
  options: { lock?: boolean } = {}
) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) throw new InvitationRefusedError('unknown')
  const query = Invitation.query({ client: trx })
    .where('tokenHash', Invitation.hashOf(token))
    .preload('tenant')
    .preload('invitedBy')
  // The row is re-read under its lock when accepting: a second use of the
  // same link waits for the first and then finds it used.
  if (trx?.dialect.name === 'postgres' && options.lock !== false) query.forUpdate()
  const invitation = await query.first()
  if (!invitation) throw new InvitationRefusedError('unknown')
  if (invitation.acceptedAt) throw new InvitationRefusedError('used', invitation)
  if (invitation.revokedAt) throw new InvitationRefusedError('revoked', invitation)
  if (invitation.expiresAt <= DateTime.now())
    throw new InvitationRefusedError('expired', invitation)
  return invitation
}

/**
 * Accepts an invitation, once: the logged-in user with the invitation's
 * address joins the workspace with its role; someone without an account
 * makes one, which joins it and has no workspace of its own. A user logged
 * in with another address is refused (the link was meant for someone
 * else); so is making an account for an address that has one (they log in
 * and accept). Returns the user and the membership.
 */
export default class AcceptInvitation {
  static async handle(
    token: string,
    acceptor: Acceptor,
    from: { ip: string; userAgent: string | null }
  ) {
    try {
      return await writeTransaction(async (trx) => {
        // The workspace's lock first, then the invitation's: the order
        // InviteMember's resend takes them in, so the two cannot deadlock.
        const unlocked = await findInvitation(token, trx, { lock: false })
        await lockWorkspace(trx, unlocked.tenantId)
        const invitation = await findInvitation(token, trx)
        await assertInviterMayStillInvite(invitation, trx)

        const user = await userFor(invitation, acceptor, trx)
        const existing = await Membership.query({ client: trx })
          .where('tenantId', invitation.tenantId)
          .where('userId', user.id)
          .first()
        // Someone already in (invited twice, added since) keeps their role.
        const membership =
          existing ??
          (await Membership.create(
            { tenantId: invitation.tenantId, userId: user.id, role: invitation.role },
            { client: trx }
          ))

        invitation.useTransaction(trx)
        invitation.acceptedAt = DateTime.now()
        invitation.acceptedById = user.id
        await invitation.save()

        user.useTransaction(trx)
        user.lastTenantId = invitation.tenantId
        await user.save()

        await RecordWorkspaceEvent.handle(
          { user, ip: from.ip, userAgent: from.userAgent },
          {
            tenantId: invitation.tenantId,
            action: 'member.join',
            subject: { type: 'membership', id: membership.id, label: user.email },
            details: {
              role: membership.role,
              invitationId: invitation.id,
              newAccount: 'newAccount' in acceptor,
            },
          },
          trx
        )
        return { user, membership, tenant: invitation.tenant }
      })
    } catch (error) {
      // Two accounts made from one link at the same moment, or an account
      // made for the address meanwhile: the second finds the address taken.
      if (isConstraintViolation(error, 'unique')) throw new InvitationRefusedError('account_exists')
      throw error
    }
  }
}

async function userFor(invitation: Invitation, acceptor: Acceptor, trx: TransactionClientContract) {
  if ('user' in acceptor) {
    if (acceptor.user.email !== invitation.email) {
      throw new InvitationRefusedError('other_account', invitation)
    }
    return acceptor.user
  }
  const taken = await User.query({ client: trx }).where('email', invitation.email).first()
  if (taken) throw new InvitationRefusedError('account_exists', invitation)
  return User.create(
    {
      lastTenantId: invitation.tenantId,
      fullName: acceptor.newAccount.fullName,
      email: invitation.email,
      password: acceptor.newAccount.password,
      role: 'user',
      emailVerifiedAt: DateTime.now(),
    },
    { client: trx }
  )
}

/**
 * An invitation speaks for whoever sent it: once they may no longer invite
 * with that role (removed, left, demoted, or their account is gone), their
 * pending links stop working too, as if revoked.
 */
async function assertInviterMayStillInvite(invitation: Invitation, trx: TransactionClientContract) {
  const inviter = invitation.invitedById
    ? await Membership.query({ client: trx })
        .where('tenantId', invitation.tenantId)
        .where('userId', invitation.invitedById)
        .first()
    : null
  const least = invitation.role === 'owner' ? 'owner' : 'admin'
  if (!inviter || !roleAtLeast(inviter.role, least)) {
    throw new InvitationRefusedError('revoked', invitation)
  }
}
