import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Delivery from '#models/delivery'
import WebhookMessage from '#models/webhook_message'
import SuppressAddress from '#actions/suppressions/suppress_address'
import { smtp } from '#tests/helpers/peers'
import { createUser } from '#tests/helpers/users'
import { createClients, createMessage, createOpenMailing } from '#tests/helpers/workspace'
import { waitUntil } from '#tests/helpers/wait'
import { startReceiver } from '#tests/functional/webhooks/receiver'
import { createEndpoint } from '#tests/functional/webhooks/helpers'

test.group('Suppressions: the client.suppressed webhook', () => {
  test('a hard bounce at send time reaches the receiver as client.suppressed, signed', async ({
    assert,
    cleanup,
  }) => {
    const receiver = await startReceiver(cleanup)
    const { user, tenant } = await createUser()
    const endpoint = await createEndpoint(tenant, receiver.url(), ['client.suppressed'])
    const [dead] = await createClients(tenant, 2)
    smtp.refuseRecipient(dead.email, { code: 550, message: '5.1.1 no such mailbox' })
    await createOpenMailing(user, await createMessage(tenant), { nextRunAt: DateTime.now() })

    await waitUntil('the client.suppressed webhook', async () => receiver.received.length >= 1)
    const [event] = receiver.verified(endpoint.secret)
    const delivery = await Delivery.query().where('email', dead.email).firstOrFail()
    assert.equal(event.type, 'client.suppressed')
    assert.deepInclude(event.data, {
      client_id: dead.id,
      email: dead.email,
      reason: 'hard_bounce',
      source: 'smtp',
      detail: '550 5.1.1 no such mailbox',
      delivery_id: Number(delivery.id),
    })
    assert.isString(event.data.suppressed_at)
  }).timeout(60_000)

  test('announced for new and raised entries, not for a plain unsubscribe nor a rolled-back one', async ({
    assert,
  }) => {
    const { tenant } = await createUser()
    await createEndpoint(tenant, 'https://hooks.example.com/mailings', ['client.suppressed'])
    const entry = (email: string, reason: 'unsubscribed' | 'manual' | 'complaint') => ({
      tenantId: tenant.id,
      email,
      reason,
      source: 'test',
    })

    await SuppressAddress.handle(entry('left@example.com', 'unsubscribed'))
    await SuppressAddress.handle(entry('left@example.com', 'complaint'))
    await SuppressAddress.handle(entry('left@example.com', 'manual'))
    await SuppressAddress.handle(entry('hand@example.com', 'manual'))
    await db
      .transaction(async (trx) => {
        await SuppressAddress.handle(entry('rolled-back@example.com', 'manual'), trx)
        throw new Error('roll back')
      })
      .catch(() => {})

    const messages = await WebhookMessage.query()
      .where('tenant_id', tenant.id)
      .orderBy('created_at')
      .orderBy('id')
    const announced = messages.map((message) => JSON.parse(message.payload).data)
    assert.sameDeepMembers(
      announced.map(({ email, reason, client_id: clientId }) => ({ email, reason, clientId })),
      [
        { email: 'left@example.com', reason: 'complaint', clientId: null },
        { email: 'hand@example.com', reason: 'manual', clientId: null },
      ]
    )
  })
})
