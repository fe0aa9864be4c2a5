import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import logger from '@adonisjs/core/services/logger'
import SignupForm from '#models/signup_form'
import Consent, { type ConsentSubmission, storableUserAgent } from '#models/consent'
import SignupConfirmationMail from '#mails/signup_confirmation_mail'
import { asWorkspace } from '#sending/sender_identity'
import { signupConfirmationUrl } from '#audiences/signup_links'
import type { MailAllowance } from '#audiences/signup_limits'
import { recordMailShortfall } from '#audiences/signup_mail_shortfalls'
import { forgetWorkspaceClientCount } from '#services/clients/client_count'
import { sqlTime } from '#services/database/sql_time'

/**
 * A valid sign-up as the request queued it (SubmitSignup): what the visitor
 * typed and was shown, and what the mail limits allowed.
 */
export interface QueuedSignup {
  /** Given by the request: the job records the sign-up once however often it runs. */
  submissionId: string
  formId: number
  /** Checked, trimmed and lower-cased. */
  email: string
  submitted: ConsentSubmission
  /** The words the visitor was shown, as they were then. */
  consentText: string
  /**
   * Whether the page that posted named those words' version (absent in
   * jobs queued before versions existed).
   */
  consentTextMatched?: boolean
  ip: string
  userAgent: string | null
  mail: MailAllowance
}

/**
 * A valid sign-up through a form (double opt-in, first half), in the
 * worker (RecordSignupJob), where how long it takes tells the visitor
 * nothing:
 *
 * - a hard-bounced, complained or manually suppressed address gets nothing
 *   (no mail, not even one asking: the workspace must not mail it);
 * - past the confirmation-mail limits nothing either (the mail already
 *   sent holds a working link), but a sign-up refused for the workspace's
 *   hourly budget is counted for the owner to see;
 * - otherwise the consent is recorded (the words shown, the IP, the browser,
 *   what was typed), a new address becomes a pending client (never mailed
 *   until confirmed), an existing client is left as it is until the link is
 *   followed, and the confirmation mail is queued, from the workspace's
 *   sender.
 *
 * Run again (a retry after the mail could not be queued), it finds its
 * consent and only queues the mail.
 */
export default class RecordSignup {
  static async handle(signup: QueuedSignup) {
    // A form deleted, disabled or blocked since the sign-up mails no one.
    const form = await SignupForm.query()
      .where('id', signup.formId)
      .withScopes((scopes) => scopes.takingSignups())
      .preload('tenant')
      .first()
    if (!form) return
    const recorded = await Consent.findBy('submissionId', signup.submissionId)
    if (recorded) {
      if (!recorded.confirmedAt) await sendConfirmation(form, recorded)
      return
    }

    const suppression = await db
      .from('suppressions')
      .where({ tenant_id: form.tenantId, email: signup.email })
      .select('reason')
      .first()
    // An unsubscribe is the person's own choice, which asking again may
    // undo; every other reason is the workspace's duty to stay away.
    if (suppression && suppression.reason !== 'unsubscribed') return
    if (signup.mail === 'workspace') {
      await recordMailShortfall(form)
      logger.warn(
        { tenantId: form.tenantId, formId: form.id },
        'A sign-up got no confirmation mail: the workspace’s hourly limit was reached'
      )
      return
    }
    if (signup.mail !== 'allowed') {
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
          email: signup.email,
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
        .where({ tenant_id: form.tenantId, email: signup.email })
        .select('id')
        .first()
      const record = await Consent.create(
        {
          tenantId: form.tenantId,
          signupFormId: form.id,
          clientId: row ? Number(row.id) : null,
          email: signup.email,
          ip: signup.ip,
          userAgent: storableUserAgent(signup.userAgent),
          consentText: signup.consentText,
          consentTextMatched: signup.consentTextMatched ?? null,
          submitted: signup.submitted,
          submissionId: signup.submissionId,
        },
        { client: trx }
      )
      return { consent: record, created: inserted.length > 0 }
    })
    if (created) await forgetWorkspaceClientCount(form.tenant)
    await sendConfirmation(form, consent)
  }
}

function sendConfirmation(form: SignupForm, consent: Consent) {
  return mail.sendLater(
    new SignupConfirmationMail(consent.email, form, signupConfirmationUrl(consent)),
    asWorkspace(form.tenantId)
  )
}
