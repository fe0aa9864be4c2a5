import { messagesTotal, smtpRepliesTotal } from '#services/observability/metrics'
import type { Settlement } from '#sending/delivery_settlements'

/**
 * The series are bound once: counting a try is then two increments in
 * memory, with no label hashing, on the send path.
 */
const RESULTS = {
  sent: messagesTotal.labels('sent'),
  failed: messagesTotal.labels('failed'),
  retried: messagesTotal.labels('retried'),
  deferred: messagesTotal.labels('deferred'),
}
const REPLY_CLASSES = {
  '2xx': smtpRepliesTotal.labels('2xx'),
  '4xx': smtpRepliesTotal.labels('4xx'),
  '5xx': smtpRepliesTotal.labels('5xx'),
  'connection': smtpRepliesTotal.labels('connection'),
}

/**
 * Counts one try in the process's metrics, where the engine decides what it
 * means (SendDelivery). A try settled later from the attempt log after a
 * worker died was counted by that worker, if at all: counters restart with
 * their process, and Prometheus' rate() copes with that.
 */
export function countTry({ status, outcome }: Settlement) {
  if (status === 'sent') RESULTS.sent.inc()
  else if (status === 'failed') RESULTS.failed.inc()
  else if (outcome.kind === 'configuration') RESULTS.deferred.inc()
  else RESULTS.retried.inc()
  REPLY_CLASSES[replyClass(outcome.kind, outcome.code)].inc()
}

function replyClass(kind: Settlement['outcome']['kind'], code: number | null) {
  if (kind === 'sent') return '2xx'
  if (code === null) return 'connection'
  if (code >= 500) return '5xx'
  if (code >= 400) return '4xx'
  return '2xx'
}
