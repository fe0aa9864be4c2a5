import { sendTallies } from '#services/observability/metrics'
import type { Settlement } from '#sending/delivery_settlements'

const { messages, smtpReplies } = sendTallies

/**
 * Counts one try in the process's metrics (`mailings_messages_total`,
 * `mailings_smtp_replies_total`), where the engine decides what it means
 * (SendDelivery): two increments of plain numbers, nothing awaited. A try
 * settled later from the attempt log after a worker died was counted by
 * that worker, if at all: counters restart with their process, and
 * Prometheus' rate() copes with that.
 */
export function countTry({ status, outcome }: Settlement) {
  if (status === 'sent') messages.sent++
  else if (status === 'failed') messages.failed++
  else if (outcome.kind === 'configuration') messages.deferred++
  else messages.retried++
  smtpReplies[replyClass(outcome.kind, outcome.code)]++
}

function replyClass(kind: Settlement['outcome']['kind'], code: number | null) {
  if (kind === 'sent') return '2xx'
  if (code === null) return 'connection'
  if (code >= 500) return '5xx'
  if (code >= 400) return '4xx'
  return '2xx'
}
