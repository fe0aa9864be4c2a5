import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { Job } from '@rlanz/bull-queue'
import db from '@adonisjs/lucid/services/db'
import queue from '@rlanz/bull-queue/services/main'
import limiter from '@adonisjs/limiter/services/main'
import Mailing from '#models/mailing'
import sendingConfig from '#config/sending'
import { compileMessage } from '#sending/message_renderer'
import { unsubscribeHeaders, unsubscribeUrl } from '#sending/unsubscribe_links'
import SendDelivery from '#sending/send_delivery'
import CompleteRun from '#sending/complete_run'
import PauseRun from '#sending/pause_run'
import { workerShutdown } from '#services/queue/worker_shutdown'
import {
  claimDeliveries,
  holdClaims,
  nextWorkAt,
  releaseDeliveries,
  runMaySend,
  skipUnsubscribedDeliveries,
  type ClaimedDelivery,
} from '#sending/delivery_claims'
import { PendingSettlements, recoverStaleDeliveries } from '#sending/delivery_settlements'
import type { JobName } from '#start/jobs'

export interface SendBatchPayload {
  runId: number
  fromId: number
  toId: number
}

type BatchEnd = 'stopped' | 'backing-off' | 'handed-back' | 'drained'

interface BatchState {
  range: SendBatchPayload
  mailing: Mailing
  settlements: PendingSettlements
  render: ReturnType<typeof compileMessage>
  liveness: LivenessCheck
  consecutiveTransient: number
}

/**
 * Deliveries claimed per UPDATE … RETURNING: large enough to save round
 * trips, small enough that a stop releases little.
 */
const CLAIM_SIZE = 50

/**
 * Statuses are written per slice, or sooner when a slow server makes a
 * slice take longer than this.
 */
const SETTLE_AT_LEAST_EVERY_MS = 1000

/**
 * How often a batch looks again whether its run may still send (paused,
 * disabled, archived, owner blocked): it stops within this much time, and
 * after every message when messages are slower than that.
 */
const LIVENESS_INTERVAL_MS = 250

/**
 * Sends the queued deliveries of one id range of a run. Idempotent: each
 * delivery is claimed (queued → sending) by a conditional update that also
 * checks the run and its mailing may still send, so a batch that runs
 * twice, or on two workers, sends nothing twice, and a paused or disabled
 * mailing stops between two messages. On a worker's graceful stop the batch
 * hands what it has not tried back to the queue after the current message.
 */
export default class SendBatchJob extends Job {
  static get $$filepath(): JobName {
    return 'send_batch'
  }

  async handle(range: SendBatchPayload) {
    const mailing = await Mailing.query()
      .whereIn('id', db.from('mailing_runs').where('id', range.runId).select('mailing_id'))
      .preload('message')
      .first()
    if (!mailing) return

    const run = { runId: range.runId, mailingId: mailing.id, tenantId: mailing.tenantId }
    await recoverStaleDeliveries(range, run, sendingConfig.staleAfter)
    const ended = await this.#sendDue(range, mailing, new PendingSettlements(run))
    if (ended === 'stopped') return
    await this.#comeBack(range, ended === 'backing-off')
    await CompleteRun.handle(range.runId)
  }

  async rescue(payload: SendBatchPayload, error: Error) {
    this.logger.error({ ...payload, err: error }, 'A send batch failed after all its attempts')
  }

  /**
   * Claims and sends slice after slice until nothing is due. Ends "stopped"
   * when the run may no longer send (nothing more to do here), "backing-off"
   * after too many transient failures in a row, "handed-back" on a worker
   * stop, "drained" otherwise.
   */
  async #sendDue(range: SendBatchPayload, mailing: Mailing, settlements: PendingSettlements) {
    const batch: BatchState = {
      range,
      mailing,
      settlements,
      render: compileMessage(mailing.message),
      liveness: new LivenessCheck(range.runId),
      consecutiveTransient: 0,
    }
    for (;;) {
      const slice = await claimDeliveries(range, CLAIM_SIZE)
      if (slice.length === 0) {
        // Claims pass over clients who left during the run: close theirs.
        if ((await skipUnsubscribedDeliveries(range)) > 0) continue
        return (await runMaySend(range.runId)) ? 'drained' : 'stopped'
      }

      const stopHolding = holdClaims(slice, sendingConfig.staleAfter)
      try {
        const ended = await this.#sendSlice(slice, batch)
        if (ended) return ended
      } finally {
        await settlements.settle()
        stopHolding()
      }
    }
  }

  /**
   * Sends a claimed slice one message after the other. Returns why it
   * stopped early (what was not tried goes back to the queue), or nothing.
   */
  async #sendSlice(slice: ClaimedDelivery[], batch: BatchState) {
    const { range, settlements } = batch
    for (const [index, delivery] of slice.entries()) {
      if (workerShutdown.aborted) return this.#release(slice.slice(index), 'handed-back')
      if (!(await batch.liveness.runMaySend())) return this.#release(slice.slice(index), 'stopped')
      await this.#respectRates(batch.mailing.tenantId)

      const settlement = await SendDelivery.handle(delivery, envelopeFor(delivery, batch.render))
      settlements.add(settlement)
      const { outcome } = settlement
      if (outcome.kind === 'sent') {
        batch.consecutiveTransient = 0
        if (settlements.waitedFor(SETTLE_AT_LEAST_EVERY_MS)) await settlements.settle()
        continue
      }
      // A try that did not send is settled at once: its status and the run's
      // failure count are what the checks below and the owner look at.
      await settlements.settle()
      const rest = slice.slice(index + 1)
      const pauseReason =
        outcome.kind === 'configuration'
          ? `The mail server refused to send (${outcome.response}). Check the SMTP settings, then resume the mailing.`
          : await this.#failureLimitReason(range.runId)
      if (pauseReason) return this.#pause(range.runId, rest, pauseReason)
      batch.consecutiveTransient = outcome.kind === 'transient' ? batch.consecutiveTransient + 1 : 0
      if (batch.consecutiveTransient >= sendingConfig.consecutiveFailuresBackoff) {
        return this.#release(rest, 'backing-off')
      }
    }
  }

  async #release<Reason extends BatchEnd>(untried: ClaimedDelivery[], reason: Reason) {
    await releaseDeliveries(untried)
    return reason
  }

  /**
   * Pauses the run, once what this batch holds is back in the queue: who
   * sees the pause sees every delivery settled or waiting.
   */
  async #pause(runId: number, untried: ClaimedDelivery[], reason: string) {
    await releaseDeliveries(untried)
    await PauseRun.handle(runId, reason)
    return 'stopped' as const
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

  /**
   * Why the run must pause because too many of its messages failed
   * (SEND_MAX_ERRORS), or null.
   */
  async #failureLimitReason(runId: number) {
    if (!sendingConfig.maxSendErrors) return null
    const run = await db.from('mailing_runs').where('id', runId).select('failed').first()
    if (Number(run.failed) < sendingConfig.maxSendErrors) return null
    return `Paused automatically after ${run.failed} failed messages (the limit is ${sendingConfig.maxSendErrors}). Check the delivery log, then resume.`
  }

  /**
   * The batch comes back (a new job) for what is left of its range: at the
   * earliest retry (later when the server keeps failing), or, for
   * deliveries another worker still holds, once their claim has gone stale,
   * in case that worker is dead.
   */
  async #comeBack({ runId, fromId, toId }: SendBatchPayload, backingOff: boolean) {
    const at = await nextWorkAt({ runId, fromId, toId }, sendingConfig.staleAfter)
    if (at === null) return

    const backoff = backingOff ? sendingConfig.retryDelay : 0
    const delay = Math.max(0, at - Date.now(), backoff)
    // Back onto the queue this batch came from, so workers dedicated to a
    // queue keep their own batches (and their own settings).
    const queueName = this.getJob()?.queueName
    await queue.dispatch(SendBatchJob, { runId, fromId, toId }, { delay, priority: 1, queueName })
  }
}

/**
 * The message for one delivery: rendered for its client, with its own
 * unsubscribe link in the body and the List-Unsubscribe headers.
 */
function envelopeFor(delivery: ClaimedDelivery, render: ReturnType<typeof compileMessage>) {
  const url = delivery.clientId
    ? unsubscribeUrl({ id: delivery.clientId, tenantId: delivery.tenantId })
    : ''
  return {
    rendered: render({
      client: { full_name: delivery.fullName, email: delivery.email },
      unsubscribe_url: url,
    }),
    headers: url ? unsubscribeHeaders(url) : {},
  }
}

/**
 * Whether a run may still send, asked of the database at most every
 * LIVENESS_INTERVAL_MS.
 */
class LivenessCheck {
  #checkedAt = performance.now()

  constructor(private runId: number) {}

  async runMaySend() {
    if (performance.now() - this.#checkedAt < LIVENESS_INTERVAL_MS) return true
    this.#checkedAt = performance.now()
    return runMaySend(this.runId)
  }
}
