import type { ClaimedDelivery } from '#sending/delivery_claims'
import { settlementOf } from '#sending/delivery_settlements'
import { sqlTime } from '#services/database/sql_time'
import { attemptLog } from '#sending/attempt_log'
import type { Envelope } from '#sending/envelope'
import { campaignTransport } from '#sending/smtp_transport'
import type { CampaignTransport } from '#sending/send_routes'
import { acceptedOutcome, classifySmtpError, type SmtpOutcome } from '#sending/smtp_outcomes'
import { countTry } from '#sending/send_metrics'
import { noteRunTry } from '#sending/run_lateness'
import { nodemailerDkim, type SenderIdentity } from '#sending/sender_identity'
import { messageIdOfDelivery } from '#bounces/delivery_refs'
import { textPart } from '#sending/text_encoding'

/**
 * The mail of one delivery as nodemailer takes it: From, Reply-To and DKIM
 * key of the workspace, the recipient, the message rendered for them, their
 * own headers, Message-ID and SMTP envelope. Also what `npm run bench:send`
 * sends through bare nodemailer as its baseline, so that both sides send the
 * very same messages and the benchmark measures only the engine.
 */
export function mailOf(delivery: ClaimedDelivery, envelope: Envelope, sender: SenderIdentity) {
  return {
    from: sender.from,
    replyTo: sender.replyTo,
    dkim: sender.dkim && nodemailerDkim(sender.dkim),
    to: delivery.fullName ? { name: delivery.fullName, address: delivery.email } : delivery.email,
    subject: envelope.rendered.subject,
    text: textPart(envelope.rendered.text, envelope.rendered.transferEncoding.text),
    html:
      envelope.rendered.html === null
        ? undefined
        : textPart(envelope.rendered.html, envelope.rendered.transferEncoding.html),
    headers: envelope.headers,
    messageId: messageIdOfDelivery(delivery.id),
    envelope: envelope.smtp,
  }
}

/**
 * Hands one claimed delivery to the mail server and writes the attempt to
 * the log at once (the record that a message was accepted, so it is never
 * sent again). Returns what the try means for the delivery, for the batch
 * to settle with its slice (see delivery_settlements.ts). `sender` is the
 * workspace's, resolved once per batch (sender_identity.ts); `transport`
 * is the batch's route: the platform's server or the workspace's own
 * (send_routes.ts).
 */
export default class SendDelivery {
  static async handle(
    delivery: ClaimedDelivery,
    envelope: Envelope,
    sender: SenderIdentity,
    transport: CampaignTransport = campaignTransport()
  ) {
    const startedAt = performance.now()
    let outcome: SmtpOutcome
    try {
      const info = await transport.sendMail(mailOf(delivery, envelope, sender))
      outcome = acceptedOutcome(info.response)
    } catch (error) {
      outcome = classifySmtpError(error)
    }
    await attemptLog.append({
      delivery_id: delivery.id,
      run_id: delivery.runId,
      outcome: outcome.kind === 'configuration' ? 'paused' : outcome.kind,
      smtp_code: outcome.code,
      response: outcome.response,
      duration_ms: Math.round(performance.now() - startedAt),
      attempted_at: sqlTime(),
    })
    const settlement = settlementOf(delivery, outcome)
    countTry(settlement)
    noteRunTry(delivery.runId)
    return settlement
  }
}
