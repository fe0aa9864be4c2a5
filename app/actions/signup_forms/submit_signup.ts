import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import logger from '@adonisjs/core/services/logger'
import type SignupForm from '#models/signup_form'
import Consent, { type ConsentSubmission } from '#models/consent'
import SignupConfirmationMail from '#mails/signup_confirmation_mail'
import { asWorkspace } from '#sending/sender_identity'
import { signupConfirmationUrl } from '#audiences/signup_links'
import { takeConfirmationMail } from '#audiences/signup_limits'
import { forgetWorkspaceClientCount } from '#services/clients/client_count'
import { sqlTime } from '#services/database/sql_time'
import { storableText } from '#services/database/storable_text'

export interface SignupRequest {
  /** An enabled form, with its tenant loaded. */
  form: SignupForm
  /** Checked, trimmed and lower-cased. */
  email: string
  submitted: ConsentSubmission
  ip: string
  userAgent: string | null
}

const USER_AGENT_MAX_LENGTH = 300

/**
 * A valid sign-up through a form (double opt-in, first half). The caller
 * answers the same page whatever happens here, so nobody learns from the
 * answer whether an address is a client, pending, unsubscribed or
 * suppressed:
 *
 * - a hard-bounced, complained or manually suppressed address gets nothing
 *   (no mail, not even one asking: the workspace must not mail it);
 * - past the confirmation-mail limits (per mailbox of the workspace, per
 *   workspace, per mailbox across the platform), nothing either: the mail
 *   already sent holds a working link;
 * - otherwise the consent is recorded (the words shown, the IP, the browser,
 *   what was typed), a new address becomes a pending client (never mailed
 *   until confirmed), an existing client is left as it is until the link is
 *   followed, and the confirmation mail is queued, from the workspace's
 *   sender.
 */
export default class SubmitSignup {
  static async handle({ form, email, submitted, ip, userAgent }: SignupRequest) {
    const suppression = await db
      .from('suppressions')
      .where({ tenant_id: form.tenantId, email })
      .select('reason')
      .first()
    // An unsubscribe is the person's own choice, which asking again may
    // undo; every other reason is the workspace's duty to stay away.
    if (suppression && suppression.reason !== 'unsubscribed') return
    if (!(await takeConfirmationMail(form.tenantId, email))) {
      logger.info({ tenantId: form.tenantId, formId: form.id }, 'Sign-up mail limit reached')
      return
    }

    const { consent, created } = await db.transaction(async (trx) => {
      const now = sqlTime()
      // A new address waits, pending, for its confirmation; an existing
      // client (of any state) is not touched before it.
      const inserted = await trx
        .knexQuery()
        .table('clients')
        .insert({
          tenant_id: form.tenantId,
          email,
          full_name: '',
          attributes: '{}',
          pending_at: now,
          created_at: now,
          updated_at: now,
        })
        .onConflict(['tenant_id', 'email'])
        .ignore()
        .returning('id')
      const row = await trx
        .from('clients')
        .where({ tenant_id: form.tenantId, email })
        .select('id')
        .first()
      const record = await Consent.create(
        {
          tenantId: form.tenantId,
          signupFormId: form.id,
          clientId: row ? Number(row.id) : null,
          email,
          ip,
          userAgent: userAgent ? storableText(userAgent, USER_AGENT_MAX_LENGTH) : null,
          consentText: form.consentText,
          submitted,
        },
        { client: trx }
      )
      return { consent: record, created: inserted.length > 0 }
    })
    if (created) await forgetWorkspaceClientCount(form.tenant)

    await mail.sendLater(
      new SignupConfirmationMail(email, form, signupConfirmationUrl(consent)),
      asWorkspace(form.tenantId)
    )
  }
}
