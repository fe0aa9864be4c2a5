import { setTimeout as sleep } from 'node:timers/promises'
import { DateTime } from 'luxon'
import { Job } from '@rlanz/bull-queue'
import db from '@adonisjs/lucid/services/db'
import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'
import queue from '@rlanz/bull-queue/services/main'
import limiter from '@adonisjs/limiter/services/main'
import Delivery from '#models/delivery'
import Mailing from '#models/mailing'
import sendingConfig from '#config/sending'
import { sqlTime } from '#services/sql_time'
import { compileMessage } from '#services/message_renderer'
import { unsubscribeHeaders, unsubscribeUrl } from '#services/unsubscribe_links'
import SendDelivery from '#actions/sending/send_delivery'
import CompleteRun from '#actions/sending/complete_run'
import PauseRun from '#actions/sending/pause_run'
import type { JobName } from '#start/jobs'

export interface SendBatchPayload {
  runId: number
  fromId: number
  toId: number
}

/**
 * Sends the queued deliveries of one id range of a run. Idempotent: each
 * delivery is claimed (queued → sending) with a conditional update that
 * also checks the run and its mailing may still send, so a batch that runs
 * twice, or on two workers, sends nothing twice, and a paused or disabled
 * mailing stops between two messages.
 */
export default class SendBatchJob extends Job {
  static get $$filepath(): JobName {
    return 'send_batch'
  }

  async handle({ runId, fromId, toId }: SendBatchPayload) {
    const mailing = await Mailing.query()
      .whereIn('id', db.from('mailing_runs').where('id', runId).select('mailing_id'))
      .preload('message')
      .first()
    if (!mailing) return

    await this.#requeueStale(runId, fromId, toId)
    const render = compileMessage(mailing.message)
    let consecutiveTransient = 0

    const deliveries = await Delivery.query()
      .where('run_id', runId)
      .whereBetween('id', [fromId, toId])
      .where('status', 'queued')
      .where((query) =>
        query.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', sqlTime())
      )
      .orderBy('id')

    for (const delivery of deliveries) {
      if (!(await this.#claim(delivery))) {
        // Taken by another worker, unsubscribed meanwhile, or the run may
        // no longer send.
        await this.#skipIfUnsubscribed(delivery)
        if (!(await this.#runMaySend(runId))) return
        continue
      }
      await this.#respectRates(mailing.tenantId)

      const url = delivery.clientId
        ? unsubscribeUrl({ id: delivery.clientId, tenantId: delivery.tenantId })
        : ''
      const outcome = await SendDelivery.handle(delivery, {
        rendered: render({
          client: { full_name: delivery.fullName, email: delivery.email },
          unsubscribe_url: url,
        }),
        headers: url ? unsubscribeHeaders(url) : {},
      })

      if (outcome.kind === 'configuration') {
        await PauseRun.handle(
          runId,
          `The mail server refused to send (${outcome.response}). Check the SMTP settings, then resume the mailing.`
        )
        return
      }
      consecutiveTransient = outcome.kind === 'transient' ? consecutiveTransient + 1 : 0
      // Only a try that did not send can have raised the failure count.
      if (outcome.kind !== 'sent' && (await this.#tooManyFailures(runId))) return
      if (consecutiveTransient >= sendingConfig.consecutiveFailuresBackoff) break
    }

    await this.#scheduleRetries(runId, fromId, toId, consecutiveTransient)
    await CompleteRun.handle(runId)
  }

  async rescue(payload: SendBatchPayload, error: Error) {
    this.logger.error({ ...payload, err: error }, 'A send batch failed after all its attempts')
  }

  /**
   * queued → sending, only while the run and its mailing are live.
   */
  async #claim(delivery: Delivery) {
    const claimed = await db
      .from('deliveries')
      .where({ id: delivery.id, status: 'queued' })
      .whereExists((query) =>
        whereRunMaySend(query.whereRaw('mailing_runs.id = deliveries.run_id'))
      )
      // A client who left during a long run is not mailed anyway.
      .whereNotExists((query) =>
        query
          .from('clients')
          .whereRaw('clients.id = deliveries.client_id')
          .whereNotNull('clients.unsubscribed_at')
      )
      .update({ status: 'sending', updated_at: sqlTime() })
    return Number(claimed) === 1
  }

  async #skipIfUnsubscribed(delivery: Delivery) {
    const client = delivery.clientId
      ? await db
          .from('clients')
          .where('id', delivery.clientId)
          .whereNotNull('unsubscribed_at')
          .first()
      : null
    if (!client) return
    await db.transaction(async (trx) => {
      const skipped = await trx
        .from('deliveries')
        .where({ id: delivery.id, status: 'queued' })
        .update({ status: 'skipped', reason: 'Unsubscribed', updated_at: sqlTime() })
      if (Number(skipped) === 1)
        await trx.from('mailing_runs').where('id', delivery.runId).increment('skipped', 1)
    })
  }

  /**
   * Whether the run may still send; a batch that may not stops at once
   * instead of walking its remaining deliveries and queueing itself again.
   */
  async #runMaySend(runId: number) {
    const run = await whereRunMaySend(db.query().where('mailing_runs.id', runId)).first()
    return Boolean(run)
  }

  /**
   * Deliveries left "sending" by a worker that died mid-send go back to the
   * queue (their batch job was handed to this worker by BullMQ).
   */
  async #requeueStale(runId: number, fromId: number, toId: number) {
    await db
      .from('deliveries')
      .where({ run_id: runId, status: 'sending' })
      .whereBetween('id', [fromId, toId])
      .where(
        'updated_at',
        '<',
        sqlTime(DateTime.now().minus({ milliseconds: sendingConfig.staleAfter }))
      )
      .update({ status: 'queued', updated_at: sqlTime() })
  }

  /**
   * The platform-wide and per-workspace send rates (messages per second):
   * wait for a slot rather than skip.
   */
  async #respectRates(tenantId: number) {
    const limits: [number, string][] = [
      [sendingConfig.globalRate, 'send:all'],
      [sendingConfig.workspaceRate, `send:tenant:${tenantId}`],
    ]
    for (const [rate, key] of limits) {
      if (!rate) continue
      const bucket = limiter.use({ requests: rate, duration: '1 sec' })
      for (;;) {
        try {
          await bucket.consume(key)
          break
        } catch (error: any) {
          await sleep(Math.max(50, (error.response?.availableIn ?? 1) * 1000))
        }
      }
    }
  }

  async #tooManyFailures(runId: number) {
    if (!sendingConfig.maxSendErrors) return false
    const run = await db.from('mailing_runs').where('id', runId).select('failed').first()
    if (Number(run.failed) < sendingConfig.maxSendErrors) return false
    await PauseRun.handle(
      runId,
      `Paused automatically after ${run.failed} failed messages (the limit is ${sendingConfig.maxSendErrors}). Check the delivery log, then resume.`
    )
    return true
  }

  /**
   * Deliveries waiting for a retry are picked up by a new job at the
   * earliest retry time (later when the server keeps failing).
   */
  async #scheduleRetries(
    runId: number,
    fromId: number,
    toId: number,
    consecutiveTransient: number
  ) {
    const [row] = await db
      .from('deliveries')
      .where('run_id', runId)
      .whereBetween('id', [fromId, toId])
      .where('status', 'queued')
      .min('next_attempt_at as next')
      .count('* as waiting')
    if (Number(row.waiting) === 0) return

    const next = row.next
      ? DateTime.fromSQL(String(row.next)).toMillis() || new Date(row.next).getTime()
      : Date.now()
    const backoff =
      consecutiveTransient >= sendingConfig.consecutiveFailuresBackoff
        ? sendingConfig.retryDelay
        : 0
    const delay = Math.max(0, next - Date.now(), backoff)
    // Back onto the queue this batch came from, so workers dedicated to a
    // queue keep their own batches (and their own settings).
    const queueName = this.getJob()?.queueName
    await queue.dispatch(SendBatchJob, { runId, fromId, toId }, { delay, priority: 1, queueName })
  }
}

/**
 * The run rows (of `mailing_runs`, joined to their mailing) that may send:
 * the run and its mailing are running (not paused by their owner or the
 * engine, not disabled by staff), the mailing is not deleted, and its
 * creator is not blocked.
 */
function whereRunMaySend<Query extends DatabaseQueryBuilderContract>(query: Query): Query {
  return query
    .from('mailing_runs')
    .join('mailings', 'mailings.id', 'mailing_runs.mailing_id')
    .where('mailing_runs.status', 'running')
    .where('mailings.status', 'running')
    .whereNull('mailings.archived_at')
    .whereNotExists((blocked) =>
      blocked
        .from('users')
        .whereRaw('users.id = mailings.created_by_id')
        .whereNotNull('users.blocked_at')
    )
}
