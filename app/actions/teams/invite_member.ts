import { DateTime } from 'luxon'
import limiter from '@adonisjs/limiter/services/main'
import { errors as limiterErrors } from '@adonisjs/limiter'
import mail from '@adonisjs/mail/services/main'
import Invitation from '#models/invitation'
import Membership from '#models/membership'
import type Tenant from '#models/tenant'
import InvitationMail from '#mails/invitation_mail'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { writeTransaction } from '#services/database/write_transaction'
import { sqlTime } from '#services/database/sql_time'
import { lockWorkspace, assertActorMayStill } from '#teams/owners'
import { TeamRuleError } from '#teams/team_rule_error'
import type { WorkspaceRole } from '#teams/workspace_roles'
import { appUrl } from '#config/app'

/**
 * Invitations a workspace may send in an hour, and one address may receive
 * in a day (from every workspace together): enough to bring a team in,
 * too few to use invitations to mail strangers.
 */
export const INVITATIONS_PER_WORKSPACE_PER_HOUR = 20
export const INVITATIONS_PER_ADDRESS_PER_DAY = 3

/**
 * The pending invitation the person asked to send again is in the way:
 * the page offers to resend it.
 */
export class PendingInvitationError extends TeamRuleError {
  constructor(public invitation: Invitation) {
    super(
      `${invitation.email} is already invited (until ${invitation.expiresAt.toFormat('d LLL yyyy')}). Resend the invitation to mail a new link; the old one will stop working.`,
      'email'
    )
  }
}

/**
 * Invites an address into the workspace with a role, by a mailed link that
 * works once, for a week. Only an owner invites an owner. An address that
 * is a member already is refused; one with a pending invitation is refused
 * unless `resend`, which revokes it and mails a new link. Limited per
 * workspace and per address. The mail comes from Mailings (an account mail,
 * as a password reset is), with the inviter as Reply-To: it asks someone
 * to make an account with us, which a workspace's own sender cannot vouch
 * for.
 */
export default class InviteMember {
  static async handle(
    actor: Actor,
    tenant: Tenant,
    input: { email: string; role: WorkspaceRole; resend?: boolean }
  ) {
    const email = input.email.trim().toLowerCase()
    // An unconfirmed account could be anyone's: it may not make us mail
    // strangers (as its own mailings wait for the confirmation too).
    if (!actor.user.isVerified) {
      throw new TeamRuleError(
        'Confirm your email address first (the link we mailed you): invitations go out once it is.',
        'email'
      )
    }
    const inviter = actor.user.currentMembership
    if (input.role === 'owner' && inviter?.role !== 'owner') {
      throw new TeamRuleError('Only an owner may invite another owner.', 'role')
    }

    const token = Invitation.newToken()
    const invitation = await writeTransaction(async (trx) => {
      await lockWorkspace(trx, tenant.id)

      const member = await Membership.query({ client: trx })
        .where('tenantId', tenant.id)
        .whereHas('user', (user) => user.where('email', email))
        .first()
      if (member)
        throw new TeamRuleError(`${email} is already a member of this workspace.`, 'email')

      const pending = await Invitation.query({ client: trx })
        .where('tenantId', tenant.id)
        .where('email', email)
        .whereNull('acceptedAt')
        .whereNull('revokedAt')
        .where('expiresAt', '>', sqlTime())
      if (pending.length > 0 && !input.resend) throw new PendingInvitationError(pending[0])
      // A resend replaces the pending link: one to become an owner is the
      // owners' to replace (an admin could otherwise downgrade it).
      await assertActorMayStill(
        trx,
        actor,
        tenant.id,
        input.role === 'owner' || pending.some((old) => old.role === 'owner')
      )

      // Counted once the invitation can be sent, so a refused one does not
      // use up the allowance.
      await countInvitation(tenant.id, email)

      for (const old of pending) {
        old.useTransaction(trx)
        old.revokedAt = DateTime.now()
        await old.save()
      }
      const created = await Invitation.create(
        {
          tenantId: tenant.id,
          email,
          role: input.role,
          tokenHash: Invitation.hashOf(token),
          invitedById: actor.user.id,
          expiresAt: DateTime.now().plus({ days: Invitation.LIFETIME_DAYS }),
        },
        { client: trx }
      )
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: tenant.id,
          action: 'member.invite',
          subject: { type: 'invitation', id: created.id, label: email },
          details: { role: input.role, resent: pending.length > 0 },
        },
        trx
      )
      return created
    })

    await mail.sendLater(
      new InvitationMail({
        email,
        role: input.role,
        workspaceName: tenant.name,
        inviterName: actor.user.fullName,
        inviterEmail: actor.user.email,
        invitationUrl: `${appUrl}/invitations/${token}`,
        expiresAt: invitation.expiresAt,
      })
    )
    return invitation
  }
}

/**
 * Takes one of the workspace's and one of the address's invitations, or
 * refuses (beside the address field) once either is used up.
 */
async function countInvitation(tenantId: number, email: string) {
  const buckets = [
    {
      bucket: limiter.use({ requests: INVITATIONS_PER_WORKSPACE_PER_HOUR, duration: '1 hour' }),
      key: `invitations:workspace:${tenantId}`,
      refusal: `This workspace has sent ${INVITATIONS_PER_WORKSPACE_PER_HOUR} invitations in the last hour. Please wait a while before inviting more people.`,
    },
    {
      bucket: limiter.use({ requests: INVITATIONS_PER_ADDRESS_PER_DAY, duration: '1 day' }),
      key: `invitations:email:${email}`,
      refusal: `${email} has received ${INVITATIONS_PER_ADDRESS_PER_DAY} invitations today. Please try again tomorrow.`,
    },
  ]
  for (const { bucket, key, refusal } of buckets) {
    try {
      await bucket.consume(key)
    } catch (error) {
      if (!(error instanceof limiterErrors.E_TOO_MANY_REQUESTS)) throw error
      throw new TeamRuleError(refusal, 'email')
    }
  }
}
