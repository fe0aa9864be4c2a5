import db from '@adonisjs/lucid/services/db'
import { dispatch } from '#services/queue/dispatch'
import Mailing from '#models/mailing'
import sendingConfig from '#config/sending'
import SendBatchJob from '#jobs/send_batch_job'
import { compileMessage } from '#sending/message_renderer'
import { envelopeFor } from '#sending/envelope'
import SendDelivery from '#sending/send_delivery'
import CompleteRun from '#sending/complete_run'
import PauseRun from '#sending/pause_run'
import LivenessCheck from '#sending/liveness_check'
import { respectSendRates } from '#sending/send_rates'
import { takeRoute, type SendRoute } from '#sending/send_routes'
import { workerShutdown } from '#services/queue/worker_shutdown'
import {
  ownServerSenderProblem,
  senderIdentityFor,
  type SenderIdentity,
} from '#sending/sender_identity'
import { envelopeSenderOf, type EnvelopeSender } from '#sending/return_path'
import {
  claimDeliveries,
  holdClaims,
  nextWorkAt,
  releaseDeliveries,
  runMaySend,
  skipPassedOverDeliveries,
  type ClaimedDelivery,
  type ClaimHold,
} from '#sending/delivery_claims'
import type { BatchRange } from '#sending/batch_ranges'
import type { CausedPayload } from '#services/queue/dispatch'
import { PendingSettlements, recoverStaleDeliveries } from '#sending/delivery_settlements'

export interface SendBatchOptions {
  /**
   * The queue the batch comes back on when work is left in its range: the
   * one its job came from, so workers dedicated to a queue keep their own
   * batches (and their own settings). None is the default queue.
   */
  queueName?: string
  /**
   * False when the caller sends the run itself, with no worker
   * (`mailings:send --sync`): nothing is queued for what is left, the
   * caller comes back at the time `handle` returns.
   */
  requeue?: boolean
}

type BatchEnd = 'stopped' | 'backing-off' | 'handed-back' | 'drained'

interface BatchState {
  range: BatchRange
  mailing: Mailing
  settlements: PendingSettlements
  render: ReturnType<typeof compileMessage>
  sender: SenderIdentity
  /** MAIL FROM, by the route and the sender (return_path.ts). */
  envelopeSender: EnvelopeSender
  liveness: LivenessCheck
  consecutiveTransient: number
  route: SendRoute
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
 * Sends the queued deliveries of one id range of a run (docs/sending.md).
 * Idempotent: each delivery is claimed (queued → sending) by a conditional
 * update that also checks the run and its mailing may still send, so a
 * batch that runs twice, or on two workers, sends nothing twice, and a
 * paused or disabled mailing stops between two messages. On a worker's
 * graceful stop the batch hands what it has not tried back to the queue
 * after the current message.
 */
export default class SendBatch {
  /**
   * Returns when work is next due in the range (epoch milliseconds), or
   * null when none is left for this batch.
   */
  static async handle(range: BatchRange & CausedPayload, options: SendBatchOptions = {}) {
    const mailing = await Mailing.query()
      .whereIn('id', db.from('mailing_runs').where('id', range.runId).select('mailing_id'))
      .preload('message')
      .first()
    if (!mailing) return null

    const run = {
      runId: range.runId,
      mailingId: mailing.id,
      tenantId: mailing.tenantId,
      // The webhooks of its messages are logged under it when delivered.
      requestId: range.cause?.requestId,
    }
    await recoverStaleDeliveries(range, run, sendingConfig.staleAfter)
    // The platform's server or the workspace's own, once per batch.
    const route = await takeRoute(mailing.tenantId)
    let ended: BatchEnd
    try {
      ended = await SendBatch.#sendDue(range, mailing, new PendingSettlements(run), route)
    } finally {
      route.release()
    }
    if (ended === 'stopped') return null
    const comeBackAt = await SendBatch.#comeBackAt(range, ended === 'backing-off')
    if (comeBackAt !== null && options.requeue !== false) {
      await SendBatch.#comeBack(range, comeBackAt, options.queueName)
    }
    await CompleteRun.handle(range.runId)
    return comeBackAt
  }

  /**
   * Claims and sends slice after slice until nothing is due. Ends "stopped"
   * when the run may no longer send (nothing more to do here), "backing-off"
   * after too many transient failures in a row, "handed-back" on a worker
   * stop, "drained" otherwise.
   */
  static async #sendDue(
    range: BatchRange,
    mailing: Mailing,
    settlements: PendingSettlements,
    route: SendRoute
  ) {
    // Once per batch: a domain verified or lost applies from the next one.
    const sender = await senderIdentityFor(mailing.tenantId)
    // The workspace's own server sends only from its own verified domain:
    // the run pauses before anything is claimed, so nothing is tried.
    const senderProblem = route.own ? ownServerSenderProblem(sender) : null
    if (senderProblem) {
      if (await runMaySend(range.runId)) await PauseRun.handle(range.runId, senderProblem)
      return 'stopped'
    }
    const batch: BatchState = {
      range,
      mailing,
      settlements,
      render: compileMessage(mailing.message),
      sender,
      envelopeSender: envelopeSenderOf(route, sender),
      liveness: new LivenessCheck(range.runId),
      consecutiveTransient: 0,
      route,
    }
    for (;;) {
      const slice = await claimDeliveries(range, CLAIM_SIZE, {
        withAttributes: batch.render.usesAttributes,
      })
      if (slice.length === 0) {
        // Claims pass over clients who left or were deleted during the
        // run: close theirs.
        if ((await skipPassedOverDeliveries(range)) > 0) continue
        return (await runMaySend(range.runId)) ? 'drained' : 'stopped'
      }

      const hold = holdClaims(slice, sendingConfig.staleAfter)
      try {
        const ended = await SendBatch.#sendSlice(slice, batch, hold)
        if (ended) return ended
      } finally {
        // The renewals stop even when settling fails (a database connection
        // cut): renewed for ever, the claims of a slice this batch could not
        // settle would never go stale, so nobody would recover them and the
        // run would never complete.
        try {
          await settlements.settle()
        } finally {
          hold.stop()
        }
      }
    }
  }

  /**
   * Sends a claimed slice one message after the other. Returns why it
   * stopped early (what was not tried goes back to the queue), or nothing.
   */
  static async #sendSlice(slice: ClaimedDelivery[], batch: BatchState, hold: ClaimHold) {
    const { range, settlements } = batch
    for (const [index, delivery] of slice.entries()) {
      if (workerShutdown.aborted) return SendBatch.#release(slice.slice(index), 'handed-back')
      if (!(await batch.liveness.runMaySend())) {
        return SendBatch.#release(slice.slice(index), 'stopped')
      }
      await respectSendRates(batch.mailing.tenantId, batch.route.rate)
      // Checked last, right before the message leaves: a process frozen in
      // one of the waits above (a slow send rate) wakes up with claims
      // another batch may have taken over and sent since. What is still
      // this batch's goes back to the queue; what was taken over is the
      // taker's (releaseDeliveries touches only this batch's claims).
      if (!hold.held(delivery)) return SendBatch.#release(slice.slice(index), 'handed-back')

      const settlement = await SendDelivery.handle(
        delivery,
        envelopeFor(delivery, batch.render, batch.envelopeSender),
        batch.sender,
        batch.route.transport
      )
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
          ? SendBatch.#configurationReason(outcome.response, batch.route)
          : await SendBatch.#failureLimitReason(range.runId)
      if (pauseReason) return SendBatch.#pause(range.runId, rest, pauseReason)
      batch.consecutiveTransient = outcome.kind === 'transient' ? batch.consecutiveTransient + 1 : 0
      if (batch.consecutiveTransient >= sendingConfig.consecutiveFailuresBackoff) {
        return SendBatch.#release(rest, 'backing-off')
      }
    }
  }

  static async #release<Reason extends BatchEnd>(untried: ClaimedDelivery[], reason: Reason) {
    await releaseDeliveries(untried)
    return reason
  }

  /**
   * Pauses the run, once what this batch holds is back in the queue: who
   * sees the pause sees every delivery settled or waiting.
   */
  static async #pause(runId: number, untried: ClaimedDelivery[], reason: string) {
    await releaseDeliveries(untried)
    await PauseRun.handle(runId, reason)
    return 'stopped' as const
  }

  /**
   * Why the run pauses on a server error no retry can fix. The workspace's
   * own server is for its owner to fix: the reason sends them there.
   */
  static #configurationReason(response: string, route: SendRoute) {
    if (route.own) {
      return `Your workspace's SMTP server refused to send (${response}). Check Settings → SMTP server, then resume the mailing.`
    }
    return `The mail server refused to send (${response}). Check the SMTP settings, then resume the mailing.`
  }

  /**
   * Why the run must pause because too many of its messages failed
   * (SEND_MAX_ERRORS), or null.
   */
  static async #failureLimitReason(runId: number) {
    if (!sendingConfig.maxSendErrors) return null
    const run = await db.from('mailing_runs').where('id', runId).select('failed').first()
    if (Number(run.failed) < sendingConfig.maxSendErrors) return null
    return `Paused automatically after ${run.failed} failed messages (the limit is ${sendingConfig.maxSendErrors}). Check the delivery log, then resume.`
  }

  /**
   * When the batch must come back for what is left of its range: at the
   * earliest retry (later when the server keeps failing), or, for
   * deliveries another worker still holds, once their claim has gone stale,
   * in case that worker is dead. Null when nothing is left.
   */
  static async #comeBackAt(range: BatchRange, backingOff: boolean) {
    const at = await nextWorkAt(range, sendingConfig.staleAfter)
    if (at === null) return null
    const backoff = backingOff ? sendingConfig.retryDelay : 0
    return Math.max(at, Date.now() + backoff)
  }

  /**
   * The batch comes back as a new job, on the queue it came from, with the
   * cause it was queued with.
   */
  static async #comeBack(
    { runId, fromId, toId, cause }: BatchRange & CausedPayload,
    at: number,
    queueName: string | undefined
  ) {
    const delay = Math.max(0, at - Date.now())
    await dispatch(SendBatchJob, { runId, fromId, toId, cause }, { delay, priority: 1, queueName })
  }
}
