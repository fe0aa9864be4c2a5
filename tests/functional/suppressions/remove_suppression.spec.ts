import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Suppression from '#models/suppression'
import RecordBounce from '#actions/bounces/record_bounce'
import RemoveSuppression from '#actions/suppressions/remove_suppression'
import { startedRun } from '#tests/helpers/sending'
import { insertDeliveries, suppressionOf } from '#tests/functional/bounces/helpers'
import { ownerActorOf } from '#tests/helpers/actors'

test.group('RemoveSuppression', () => {
  test('removing an entry restarts the address’s soft-bounce streak, and no other', async ({
    assert,
  }) => {
    const { tenant, run } = await startedRun(1)
    const email = 'full-mailbox@example.com'
    const other = 'also-full@example.com'
    const ids = await insertDeliveries(run, [email, email, email, email, other], 'sent')
    const soft = (deliveryId: number) =>
      RecordBounce.handle({ deliveryId, kind: 'soft', status: '4.2.2', source: 'dsn' })
    for (const id of ids.slice(0, 3)) await soft(id)
    await soft(ids[4])
    const entry = await Suppression.query()
      .where({ tenant_id: tenant.id, email, reason: 'hard_bounce' })
      .firstOrFail()

    assert.equal(
      await RemoveSuppression.handle(await ownerActorOf({ id: entry.tenantId }), entry),
      'removed'
    )
    const streak = async (address: string) => {
      const row = await db
        .from('soft_bounce_streaks')
        .where({ tenant_id: tenant.id, email: address })
        .first()
      return row ? Number(row.count) : null
    }
    assert.isNull(await streak(email))
    assert.equal(await streak(other), 1)

    // The mailbox is full once more: a new streak of one, not a fourth in a row.
    await soft(ids[3])
    assert.isNull(await suppressionOf(tenant.id, email))
    assert.equal(await streak(email), 1)
  })
})
