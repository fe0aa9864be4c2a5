import { randomUUID } from 'node:crypto'
import logger from '@adonisjs/core/services/logger'
import type SignupForm from '#models/signup_form'
import type { ConsentSubmission } from '#models/consent'
import RecordSignupJob from '#jobs/record_signup_job'
import SignupsPausedException from '#exceptions/signups_paused_exception'
import { takeConfirmationMail } from '#audiences/signup_limits'
import { dispatch } from '#services/queue/dispatch'
import { shownConsentText } from '#audiences/consent_texts'

export interface SignupRequest {
  /** An enabled form, with its tenant loaded. */
  form: SignupForm
  /** Checked, trimmed and lower-cased. */
  email: string
  submitted: ConsentSubmission
  ip: string
  userAgent: string | null
  /** The posted `consent_version` field, as sent (anything). */
  consentVersion?: unknown
}

/**
 * A valid sign-up through a form, as the request sees it. The caller
 * answers the same page whatever the address is (new, pending, a client,
 * unsubscribed, suppressed, over its mail limit), and this does the same
 * work for each, so neither the answer nor its timing tells them apart:
 * it takes a confirmation mail from the limits and queues one job
 * (RecordSignup) that reads the address's state and decides, in the
 * worker, what it gets.
 *
 * When the job cannot be queued (Redis away) the mail taken is given back,
 * so the visitor may try again at once, and they are asked to
 * (SignupsPausedException, a 503).
 */
export default class SubmitSignup {
  static async handle({ form, email, submitted, ip, userAgent, consentVersion }: SignupRequest) {
    // The words of the page that posted, which an edit since may have changed.
    const shown = await shownConsentText(form, consentVersion)
    const taken = await takeConfirmationMail(form.tenantId, email)
    try {
      await dispatch(RecordSignupJob, {
        submissionId: randomUUID(),
        formId: form.id,
        email,
        submitted,
        consentText: shown.text,
        consentTextMatched: shown.matched,
        ip,
        userAgent,
        mail: taken.allowance,
      })
    } catch (error) {
      logger.warn({ err: error, formId: form.id }, 'A sign-up could not be queued')
      await taken.giveBack().catch(() => {})
      throw new SignupsPausedException()
    }
  }
}
