import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { settlementOf } from '#sending/delivery_settlements'
import type { ClaimedDelivery } from '#sending/delivery_claims'
import type { SmtpOutcome } from '#sending/smtp_outcomes'
import { fromSqlTime } from '#services/database/sql_time'

/**
 * What a delivery becomes after one try: a row is a rule, the try's outcome
 * and the tries that counted before it, and what follows: the status, the
 * tries that count now (a configuration error is not the recipient's
 * fault), and whether a retry is planned (after the backoff: the first
 * retry after `retryDelay`, each next one doubled, ±20 %). Here a delivery
 * has 3 tries. Add a row for each new case met.
 */

const POLICY = { maxAttempts: 3, retryDelay: 60_000 }

type Status = 'sent' | 'failed' | 'queued'

type Row = [
  rule: string,
  outcome: SmtpOutcome['kind'],
  attemptsBefore: number,
  status: Status,
  attemptsAfter: number,
  retryAfter: number | null,
]

const rows: Row[] = [
  ['accepted at the first try', 'sent', 0, 'sent', 1, null],
  ['accepted after retries', 'sent', 2, 'sent', 3, null],
  ['refused for good', 'permanent', 0, 'failed', 1, null],
  ['refused for good on a retry', 'permanent', 1, 'failed', 2, null],
  ['a first transient failure: retried after the first delay', 'transient', 0, 'queued', 1, 60_000],
  ['a second transient failure: the delay doubles', 'transient', 1, 'queued', 2, 120_000],
  ['the last try allowed fails: failed for good', 'transient', 2, 'failed', 3, null],
  ['the server misconfigured: queued, not counted', 'configuration', 0, 'queued', 0, null],
  ['misconfigured after tries: still not counted', 'configuration', 2, 'queued', 2, null],
]

function delivery(attempts: number): ClaimedDelivery {
  return {
    id: 1,
    runId: 1,
    tenantId: 1,
    clientId: 1,
    email: 'a@example.com',
    fullName: 'A',
    attempts,
    claim: { token: 1, at: Date.now() },
  }
}

test.group('Settlements', () => {
  for (const [rule, kind, before, status, after, retryAfter] of rows) {
    test(`${rule} (${kind}, ${before} before): ${status}`, ({ assert }) => {
      const outcome: SmtpOutcome = { kind, code: null, response: 'The reply' }
      const startedAt = DateTime.now().startOf('second').toMillis()
      const settlement = settlementOf(delivery(before), outcome, POLICY)
      const endedAt = DateTime.now().toMillis()

      assert.equal(settlement.status, status)
      assert.equal(settlement.attempts, after)
      if (retryAfter === null) {
        assert.isNull(settlement.nextAttemptAt)
        return
      }
      // The database keeps whole seconds: the bounds allow for one.
      const nextAt = fromSqlTime(settlement.nextAttemptAt!)
      assert.isAtLeast(nextAt, startedAt + retryAfter * 0.8 - 1000)
      assert.isAtMost(nextAt, endedAt + retryAfter * 1.2)
    })
  }

  test('the reason is the reply, and names the tries when it gives up', ({ assert }) => {
    const reply = (kind: SmtpOutcome['kind']) => ({ kind, code: 451, response: '451 Later' })
    assert.isNull(settlementOf(delivery(0), reply('sent'), POLICY).reason)
    assert.equal(settlementOf(delivery(0), reply('transient'), POLICY).reason, '451 Later')
    assert.equal(
      settlementOf(delivery(2), reply('transient'), POLICY).reason,
      'Gave up after 3 attempts: 451 Later'
    )
  })
})
