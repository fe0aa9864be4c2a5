/*
|--------------------------------------------------------------------------
| Event listeners
|--------------------------------------------------------------------------
|
| Outcome webhooks: what the sending engine and unsubscribes announce is put
| in the webhook outbox (RecordWebhookEvent). Listeners run in the process
| that emitted (the worker for sending, the web process for unsubscribes),
| so they stay cheap: a cached lookup, and two inserts only when an endpoint
| listens. Never an HTTP call: the `webhooks` queue delivers.
|
| The scheduler's exact wake: a run that starts has moved its mailing's
| `next_run_at` on to the following occurrence, which gets its own delayed
| wake (see the end of this file).
|
*/

import emitter from '@adonisjs/core/services/emitter'
import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import Mailing from '#models/mailing'
import RecordWebhookEvent, { type WebhookEvent } from '#actions/webhooks/record_webhook_event'
import { subscribedEndpointIds } from '#services/webhooks/subscriptions'
import { wakeSchedulerFor } from '#sending/scheduler'

/**
 * A webhook that cannot be recorded is logged, never thrown back into the
 * send or the unsubscribe that announced it.
 */
async function record(event: WebhookEvent) {
  try {
    await RecordWebhookEvent.handle(event)
  } catch (error) {
    logger.error({ err: error, type: event.type }, 'A webhook event could not be recorded')
  }
}

function runOf(runId: number) {
  return db.from('mailing_runs').where('id', runId).firstOrFail()
}

emitter.on('mailing_run:started', ({ runId, mailingId, tenantId }) =>
  record({
    tenantId,
    type: 'mailing.run.started',
    data: async () => {
      const run = await runOf(runId)
      return { mailing_id: mailingId, run_id: runId, total: run.total }
    },
  })
)

emitter.on('mailing_run:completed', ({ runId, mailingId, tenantId }) =>
  record({
    tenantId,
    type: 'mailing.run.completed',
    data: async () => {
      const run = await runOf(runId)
      const { total, sent, failed, skipped } = run
      return { mailing_id: mailingId, run_id: runId, total, sent, failed, skipped }
    },
  })
)

emitter.on('deliveries:finished', async ({ runId, mailingId, tenantId, deliveries }) => {
  // One subscription lookup per slice of messages, not one per message.
  let listeners: Record<'sent' | 'failed', number[]>
  try {
    listeners = {
      sent: await subscribedEndpointIds(tenantId, 'message.sent'),
      failed: await subscribedEndpointIds(tenantId, 'message.failed'),
    }
  } catch (error) {
    logger.error({ err: error, runId }, 'Webhook subscriptions could not be read')
    return
  }
  for (const delivery of deliveries) {
    const endpointIds = listeners[delivery.status]
    if (endpointIds.length === 0) continue
    await record({
      tenantId,
      type: delivery.status === 'sent' ? 'message.sent' : 'message.failed',
      endpointIds,
      data: {
        delivery_id: delivery.deliveryId,
        run_id: runId,
        mailing_id: mailingId,
        client_id: delivery.clientId,
        email: delivery.email,
        attempts: delivery.attempts,
        smtp_code: delivery.smtpCode,
        response: delivery.response,
      },
    })
  }
})

emitter.on('client:unsubscribed', ({ client, unsubscribedAt }) =>
  record({
    tenantId: client.tenantId,
    type: 'client.unsubscribed',
    data: {
      client_id: client.id,
      email: client.email,
      // The stored date (the client was refreshed), as the API shows it.
      unsubscribed_at: (client.unsubscribedAt ?? unsubscribedAt).toUTC().toISO(),
    },
  })
)

/**
 * A periodic mailing's next occurrence starts at its time, not at the next
 * tick: StartRun has just set `next_run_at` to it, so a delayed wake is
 * queued for exactly then (nothing for a once-mailing's only run). Here
 * rather than in StartRun because the scheduler imports the job that runs
 * StartRun. A failure is logged, never thrown back into the run that
 * started: the tick still starts the occurrence, a second later at most.
 */
emitter.on('mailing_run:started', async ({ mailingId }) => {
  try {
    const mailing = await Mailing.find(mailingId)
    await wakeSchedulerFor(mailing?.nextRunAt ?? null)
  } catch (error) {
    logger.error({ err: error, mailingId }, 'The next occurrence could not be scheduled')
  }
})
