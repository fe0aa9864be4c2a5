import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import WebhookEndpoint from '#models/webhook_endpoint'
import RecordWebhookEvent from '#actions/webhooks/record_webhook_event'
import PruneWebhookMessages from '#actions/webhooks/prune_webhook_messages'
import { newSecret } from '#services/webhooks/signing'
import { sqlTime } from '#services/database/sql_time'
import { createUser } from '#tests/helpers/users'

test.group('Webhooks: retention', () => {
  test('old finished messages are forgotten with their deliveries; pending ones are kept', async ({
    assert,
  }) => {
    const { tenant } = await createUser()
    // Disabled, so the worker leaves these deliveries alone.
    const endpoint = await WebhookEndpoint.create({
      tenantId: tenant.id,
      url: 'https://hooks.example.com/in',
      events: ['client.unsubscribed'],
      enabled: false,
      secret: newSecret(),
    })
    const record = async (ageDays: number, status: string) => {
      const message = await RecordWebhookEvent.handle({
        tenantId: tenant.id,
        type: 'client.unsubscribed',
        data: {},
        endpointIds: [endpoint.id],
      })
      const createdAt = sqlTime(DateTime.utc().minus({ days: ageDays }))
      await db.from('webhook_messages').where('id', message!.id).update({ created_at: createdAt })
      await db.from('webhook_deliveries').where('message_id', message!.id).update({ status })
      return message!.id
    }
    const oldSucceeded = await record(40, 'succeeded')
    const oldFailed = await record(31, 'failed')
    const oldPending = await record(40, 'pending')
    const recent = await record(2, 'succeeded')

    await PruneWebhookMessages.handle({ olderThanDays: 30, slice: 1 })

    const left = await db
      .from('webhook_messages')
      .whereIn('id', [oldSucceeded, oldFailed, oldPending, recent])
      .select('id')
    assert.sameMembers(
      left.map((row) => row.id),
      [oldPending, recent]
    )
    const orphans = await db
      .from('webhook_deliveries')
      .whereIn('message_id', [oldSucceeded, oldFailed])
    assert.lengthOf(orphans, 0)
  })
})
