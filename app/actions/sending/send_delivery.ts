import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import emitter from '@adonisjs/core/services/emitter'
import env from '#start/env'
import sendingConfig from '#config/sending'
import type Delivery from '#models/delivery'
import { sqlTime } from '#services/sql_time'
import type { RenderedMessage } from '#services/message_renderer'
import {
  campaignTransport,
  classifySmtpError,
  smtpReplyCode,
  type SmtpOutcome,
} from '#services/smtp_transport'

export interface Envelope {
  rendered: RenderedMessage
  headers: Record<string, string>
}

/**
 * Hands one claimed delivery to the mail server and records what happened,
 * in one transaction: the attempt row and the delivery's new status (the
 * run's counters are the batch's to add up: RunCounters). Returns the
 * outcome and the delivery's new status for the batch to act on.
 */
export default class SendDelivery {
  static async handle(delivery: Delivery, envelope: Envelope) {
    const startedAt = DateTime.now()
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
        messageId: `<delivery-${delivery.id}@${new URL(env.get('APP_URL')).hostname}>`,
      })
      outcome = {
        kind: 'sent',
        code: smtpReplyCode(info.response),
        response: String(info.response ?? ''),
      }
    } catch (error) {
      outcome = classifySmtpError(error)
    }
    const status = await SendDelivery.record(
      delivery,
      outcome,
      DateTime.now().diff(startedAt).toMillis()
    )
    return { outcome, status }
  }

  static async record(delivery: Delivery, outcome: SmtpOutcome, durationMs: number) {
    const now = sqlTime()
    const attempts = delivery.attempts + 1

    let status: 'sent' | 'failed' | 'queued'
    let attemptOutcome: 'sent' | 'transient' | 'permanent' | 'paused' =
      outcome.kind === 'configuration' ? 'paused' : outcome.kind
    let nextAttemptAt: string | null = null
    let reason: string | null = null

    if (outcome.kind === 'sent') {
      status = 'sent'
    } else if (outcome.kind === 'permanent') {
      status = 'failed'
      reason = outcome.response
    } else if (outcome.kind === 'transient' && attempts >= sendingConfig.maxAttempts) {
      status = 'failed'
      reason = `Gave up after ${attempts} attempts: ${outcome.response}`
    } else if (outcome.kind === 'transient') {
      status = 'queued'
      nextAttemptAt = sqlTime(DateTime.now().plus({ milliseconds: retryDelay(attempts) }))
      reason = outcome.response
    } else {
      // Configuration problems are not the recipient's fault: the try does
      // not count against them.
      status = 'queued'
      reason = outcome.response
      attemptOutcome = 'paused'
    }

    await db.transaction(async (trx) => {
      await trx.table('delivery_attempts').insert({
        delivery_id: delivery.id,
        run_id: delivery.runId,
        outcome: attemptOutcome,
        smtp_code: outcome.code,
        response: outcome.response.slice(0, 1000),
        duration_ms: Math.round(durationMs),
        attempted_at: now,
      })
      await trx
        .from('deliveries')
        .where('id', delivery.id)
        .update({
          status,
          reason,
          attempts: outcome.kind === 'configuration' ? delivery.attempts : attempts,
          next_attempt_at: nextAttemptAt,
          sent_at: status === 'sent' ? now : null,
          updated_at: now,
        })
    })

    if (status === 'sent' || status === 'failed') {
      await emitter.emit('delivery:finished', {
        deliveryId: delivery.id,
        runId: delivery.runId,
        tenantId: delivery.tenantId,
        clientId: delivery.clientId,
        email: delivery.email,
        status,
        attempts,
        smtpCode: outcome.code,
        response: outcome.response,
      })
    }
    return status
  }
}

/**
 * Exponential backoff with ±20 % jitter, so retries of many deliveries do
 * not hit the server at the same instant.
 */
export function retryDelay(attempt: number) {
  const base = sendingConfig.retryDelay * 2 ** (attempt - 1)
  return Math.round(base * (0.8 + Math.random() * 0.4))
}
