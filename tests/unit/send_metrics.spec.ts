import { test } from '@japa/runner'
import { settlementOf } from '#sending/delivery_settlements'
import type { ClaimedDelivery } from '#sending/delivery_claims'
import type { SmtpOutcome } from '#sending/smtp_outcomes'
import { countTry } from '#sending/send_metrics'
import { messagesTotal, smtpRepliesTotal } from '#services/observability/metrics'

/**
 * How one try is counted: a row is the server's answer, the tries before
 * it (3 allowed), and the series of `mailings_messages_total` and
 * `mailings_smtp_replies_total` it adds one to.
 */
type Row = [
  rule: string,
  outcome: SmtpOutcome,
  attemptsBefore: number,
  result: string,
  replyClass: string,
]

const rows: Row[] = [
  ['accepted', { kind: 'sent', code: 250, response: '250 OK' }, 0, 'sent', '2xx'],
  ['accepted without a reply code', { kind: 'sent', code: null, response: '' }, 0, 'sent', '2xx'],
  ['550: failed for good', { kind: 'permanent', code: 550, response: '550' }, 0, 'failed', '5xx'],
  ['451: retried', { kind: 'transient', code: 451, response: '451' }, 0, 'retried', '4xx'],
  [
    '451 on the last try: failed',
    { kind: 'transient', code: 451, response: '451' },
    2,
    'failed',
    '4xx',
  ],
  [
    'connection dropped: retried',
    { kind: 'transient', code: null, response: 'ECONNRESET' },
    0,
    'retried',
    'connection',
  ],
  [
    '535 bad credentials: deferred',
    { kind: 'configuration', code: 535, response: '535' },
    0,
    'deferred',
    '5xx',
  ],
  [
    'TLS refused: deferred',
    { kind: 'configuration', code: null, response: 'ETLS' },
    0,
    'deferred',
    'connection',
  ],
]

/**
 * The counter's series, by the value of its one label.
 */
async function series(counter: {
  get(): Promise<{ values: { labels: object; value: number }[] }>
}) {
  const { values } = await counter.get()
  const byLabel = new Map<string, number>()
  let total = 0
  for (const one of values) {
    byLabel.set(String(Object.values(one.labels)[0]), one.value)
    total += one.value
  }
  return { of: (label: string) => byLabel.get(label) ?? 0, total }
}

test.group('Send metrics: one try', () => {
  for (const [rule, outcome, attemptsBefore, result, replyClass] of rows) {
    test(rule, async ({ assert }) => {
      const delivery = { id: 1, runId: 1, attempts: attemptsBefore } as ClaimedDelivery
      const settlement = settlementOf(delivery, outcome, { maxAttempts: 3, retryDelay: 1000 })
      const messagesBefore = await series(messagesTotal)
      const repliesBefore = await series(smtpRepliesTotal)
      countTry(settlement)
      const messages = await series(messagesTotal)
      const replies = await series(smtpRepliesTotal)
      assert.equal(messages.of(result), messagesBefore.of(result) + 1)
      assert.equal(messages.total, messagesBefore.total + 1, 'one result only')
      assert.equal(replies.of(replyClass), repliesBefore.of(replyClass) + 1)
      assert.equal(replies.total, repliesBefore.total + 1, 'one class only')
    })
  }
})
