import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import Delivery from '#models/delivery'
import { batchRanges, type BatchRange } from '#sending/batch_ranges'
import { claimDeliveries, holdClaims } from '#sending/delivery_claims'
import { recoverStaleDeliveries } from '#sending/delivery_settlements'
import { startedRun } from '#tests/helpers/sending'
import { waitUntil } from '#tests/helpers/wait'
import { sqlTime } from '#services/database/sql_time'

/**
 * A batch holds its claims (holdClaims) only while they are surely its own:
 * once another batch may have taken them over, the late one must neither
 * send them nor renew them. SEND_STALE_AFTER is short here (the hold renews
 * every third of it).
 */
const STALE_AFTER_MS = 600

async function claimedRun(count: number, name: string) {
  const { run } = await startedRun(count, name)
  const [[fromId, toId]] = await batchRanges(run.id)
  const range = { runId: run.id, fromId, toId }
  const context = { runId: run.id, mailingId: run.mailingId, tenantId: run.tenantId }
  return { run, range, context }
}

test.group('A claim taken over by another batch', () => {
  // The new claim is this release's, or, during a rolling deploy, that of a
  // worker of the previous release, which writes no token.
  const newClaims = [
    {
      by: 'another batch',
      claim: (range: BatchRange) => claimDeliveries(range, 50),
    },
    {
      by: 'a worker of the previous release',
      claim: (range: BatchRange) =>
        Delivery.query()
          .where('runId', range.runId)
          .where('status', 'queued')
          .update({ status: 'sending', updatedAt: sqlTime() }),
    },
  ]
  for (const { by, claim } of newClaims) {
    test(`its late holder renews nothing of a new claim by ${by} and no longer holds it`, async ({
      assert,
    }) => {
      const { run, range, context } = await claimedRun(2, 'Late renewal test')
      const late = await claimDeliveries(range, 50)
      const hold = holdClaims(late, STALE_AFTER_MS)
      try {
        // Its renewals did not reach the database for a whole
        // SEND_STALE_AFTER (its process frozen, its connection hung): the
        // next batch over the range found the claims stale and the
        // deliveries were claimed again…
        const longAgo = sqlTime(DateTime.now().minus({ minutes: 10 }))
        await Delivery.query().where('runId', run.id).update({ updatedAt: longAgo })
        await recoverStaleDeliveries(range, context, STALE_AFTER_MS)
        await claim(range)
        // …by a holder frozen in its turn: its claims must go stale for a
        // third batch to take them over.
        await Delivery.query().where('runId', run.id).update({ updatedAt: longAgo })

        await waitUntil(
          'the late holder to find it no longer holds its claims',
          async () => late.every((delivery) => !hold.held(delivery)),
          5000
        )
        const rows = await Delivery.query().where('runId', run.id)
        assert.isTrue(
          rows.every(
            (row) => row.status === 'sending' && row.updatedAt!.toMillis() < Date.now() - 60_000
          ),
          "the new claim's staleness is not hidden by the late holder's renewals"
        )
      } finally {
        hold.stop()
      }
    })
  }

  test('a claim that waited past SEND_STALE_AFTER to reach the database is not held', async ({
    assert,
  }) => {
    const { range, context } = await claimedRun(1, 'Slow claim test')
    // Every connection of the pool busy (the worker's other batches, a slow
    // database): the claim waits for one, longer than SEND_STALE_AFTER and
    // the second SQLite keeps of a time.
    const pool = db.connection().getWriteClient().client
    const connections = await Promise.all(
      Array.from({ length: pool.pool.max }, () => pool.acquireConnection())
    )
    const claiming = claimDeliveries(range, 50)
    await sleep(STALE_AFTER_MS + 1500)
    for (const connection of connections) await pool.releaseConnection(connection)
    const claimed = await claiming
    assert.lengthOf(claimed, 1)

    const hold = holdClaims(claimed, STALE_AFTER_MS)
    const held = hold.held(claimed[0])
    hold.stop()
    // Its row says when the claim was issued: another batch may take it
    // over the moment it lands.
    await recoverStaleDeliveries(range, context, STALE_AFTER_MS)
    const row = await Delivery.findOrFail(claimed[0].id)
    assert.equal(row.status, 'queued', 'another batch found the claim stale')
    assert.isFalse(held, 'the batch must not send what another batch may take')
  })
})
