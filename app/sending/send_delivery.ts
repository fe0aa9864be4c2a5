import { DateTime } from 'luxon'
import env from '#start/env'
import sendingConfig from '#config/sending'
import type { ClaimedDelivery } from '#sending/delivery_claims'
import type { Settlement } from '#sending/delivery_settlements'
import { sqlTime } from '#services/database/sql_time'
import { attemptLog } from '#sending/attempt_log'
import type { Envelope } from '#sending/envelope'
import { campaignTransport } from '#sending/smtp_transport'
import { acceptedOutcome, classifySmtpError, type SmtpOutcome } from '#sending/smtp_outcomes'

const MESSAGE_ID_DOMAIN = new URL(env.get('APP_URL')).hostname

/**
 * Hands one claimed delivery to the mail server and writes the attempt to
 * the log at once (the record that a message was accepted, so it is never
 * sent again). Returns what the try means for the delivery, for the batch
 * to settle with its slice (see delivery_settlements.ts).
 */
export default class SendDelivery {
  static async handle(delivery: ClaimedDelivery, envelope: Envelope) {
    const startedAt = performance.now()
    let outcome: SmtpOutcome
    try {
      const info = await campaignTransport().sendMail({
        from: {
          name: env.get('MAIL_FROM_NAME', 'Mailings'),
          address: env.get('MAIL_FROM_ADDRESS'),
        },
        to: delivery.fullName
          ? { name: delivery.fullName, address: delivery.email }
          : delivery.email,
        subject: envelope.rendered.subject,
        text: envelope.rendered.text,
        html: envelope.rendered.html ?? undefined,
        headers: envelope.headers,
        messageId: `<delivery-${delivery.id}@${MESSAGE_ID_DOMAIN}>`,
      })
      outcome = acceptedOutcome(info.response)
    } catch (error) {
      outcome = classifySmtpError(error)
    }
    await attemptLog.append({
      delivery_id: delivery.id,
      run_id: delivery.runId,
      outcome: outcome.kind === 'configuration' ? 'paused' : outcome.kind,
      smtp_code: outcome.code,
      response: outcome.response.slice(0, 1000),
      duration_ms: Math.round(performance.now() - startedAt),
      attempted_at: sqlTime(),
    })
    return settlementOf(delivery, outcome)
  }
}

/**
 * The delivery's next status after a try: sent; failed for good (a 5xx, or
 * the last transient failure allowed); or queued again, for a retry after a
 * backoff, or untouched when the try never reached the recipient's part
 * (the server's configuration is wrong).
 */
function settlementOf(delivery: ClaimedDelivery, outcome: SmtpOutcome): Settlement {
  const attempts = delivery.attempts + 1
  const settled = { delivery, outcome, attempts, nextAttemptAt: null }
  switch (outcome.kind) {
    case 'sent':
      return { ...settled, status: 'sent', reason: null }
    case 'permanent':
      return { ...settled, status: 'failed', reason: outcome.response }
    case 'configuration':
      // Not the recipient's fault: the try does not count against them.
      return { ...settled, status: 'queued', reason: outcome.response, attempts: delivery.attempts }
    case 'transient':
      if (attempts >= sendingConfig.maxAttempts) {
        return {
          ...settled,
          status: 'failed',
          reason: `Gave up after ${attempts} attempts: ${outcome.response}`,
        }
      }
      return {
        ...settled,
        status: 'queued',
        reason: outcome.response,
        nextAttemptAt: sqlTime(DateTime.now().plus({ milliseconds: retryDelay(attempts) })),
      }
  }
}

const JITTER = 0.2

/**
 * Exponential backoff with ±20 % jitter, so retries of many deliveries do
 * not hit the server at the same instant.
 */
function retryDelay(attempt: number) {
  const base = sendingConfig.retryDelay * 2 ** (attempt - 1)
  return Math.round(base * (1 - JITTER + Math.random() * 2 * JITTER))
}

/**
 * The longest a delivery waits between its first try and its last: every
 * retry delay at its largest jitter.
 */
export function longestRetryWait() {
  let total = 0
  for (let attempt = 1; attempt < sendingConfig.maxAttempts; attempt++) {
    total += sendingConfig.retryDelay * 2 ** (attempt - 1) * (1 + JITTER)
  }
  return Math.ceil(total)
}
