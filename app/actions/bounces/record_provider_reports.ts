import logger from '@adonisjs/core/services/logger'
import RecordBounce, {
  SETTLEMENT_WAIT_MS,
  type RecordOutcome,
} from '#actions/bounces/record_bounce'
import { deliveryIdOfBounceRef, deliveryIdOfMessageId } from '#bounces/delivery_refs'
import type { ProviderReport } from '#bounces/providers/reports'

/**
 * The reports of one verified provider webhook request, recorded one by
 * one. A report names its delivery by a VERP token (self-proving) or by our
 * Message-ID, believed only because the request's signature was verified,
 * and then only for the delivery's own address, which the report must
 * give (a Message-ID is guessable). Returns how many of each
 * outcome, so the controller can ask the provider to retry when one came
 * before our own send was settled (every other report of the request is
 * idempotent, so a retry repeats nothing).
 */
export default class RecordProviderReports {
  static async handle(reports: ProviderReport[], source: string) {
    const outcomes: Record<RecordOutcome, number> = {
      recorded: 0,
      duplicate: 0,
      not_sent_yet: 0,
      ignored: 0,
      unknown: 0,
    }
    // One wait for a settlement per request, not one per report: a batch
    // of reports about a run still being sent must not hold the request.
    const waitUntil = Date.now() + SETTLEMENT_WAIT_MS
    for (const report of reports) {
      const byToken = deliveryIdOfBounceRef(report.token)
      const deliveryId = byToken ?? deliveryIdOfMessageId(report.messageId)
      if (deliveryId === null) {
        outcomes.unknown += 1
        continue
      }
      const outcome = await RecordBounce.handle(
        {
          deliveryId,
          kind: report.kind,
          status: report.status,
          diagnostic: report.diagnostic,
          source,
          recipient: report.recipient,
          namedBy: byToken === null ? 'message_id' : 'token',
        },
        { wait: Math.max(0, waitUntil - Date.now()) }
      )
      outcomes[outcome] += 1
    }
    if (reports.length > 0) logger.info({ source, ...outcomes }, 'Provider bounce reports')
    return outcomes
  }
}
