import { test } from '@japa/runner'
import WebhookEndpoint from '#models/webhook_endpoint'
import { newSecret } from '#services/webhooks/signing'
import { createUser } from '#tests/helpers/users'
import { api, createToken } from '#tests/helpers/api'
import { WebhookReceiver } from './receiver.js'
import { recordUnsubscribe, waitForAttempts } from './helpers.js'

/**
 * The Settings form refuses literal private addresses (settings.spec.ts);
 * these endpoints are stored directly, as if the form had been bypassed or
 * the address had been public when saved, to prove the connection-time
 * filter refuses them on its own. Receivers listen where a request would
 * land, so a leak would show.
 */
test.group('Webhooks: private addresses are refused at connection time', (group) => {
  const loopback = new WebhookReceiver('127.0.0.1')
  const loopback6 = new WebhookReceiver('::1')
  group.setup(async () => {
    await loopback.start()
    await loopback6.start()
    return async () => {
      await loopback.stop()
      await loopback6.stop()
    }
  })

  test('{name}')
    .with([
      { name: '127.0.0.1', url: () => loopback.url() },
      { name: '[::1]', url: () => loopback6.url() },
      {
        name: 'localhost (a name resolving to loopback)',
        url: () => `http://localhost:${loopback.port}/hooks`,
      },
      { name: '10.0.0.1', url: () => 'http://10.0.0.1/hooks' },
      {
        name: '169.254.169.254 (cloud metadata)',
        url: () => 'http://169.254.169.254/latest/meta-data/',
      },
      // IPv6 addresses that carry an IPv4 one: loopback, through each.
      { name: '[::7f00:1] (IPv4-compatible)', url: () => `http://[::7f00:1]:${loopback.port}/` },
      {
        name: '[64:ff9b::7f00:1] (NAT64)',
        url: () => `http://[64:ff9b::7f00:1]:${loopback.port}/`,
      },
      { name: '[2002:7f00:1::1] (6to4)', url: () => `http://[2002:7f00:1::1]:${loopback.port}/` },
    ])
    .run(async ({ assert }, { url }) => {
      const { tenant } = await createUser()
      const endpoint = await WebhookEndpoint.create({
        tenantId: tenant.id,
        url: url(),
        events: ['client.unsubscribed'],
        enabled: true,
        secret: newSecret(),
      })

      const delivery = await waitForAttempts(await recordUnsubscribe(tenant), 1)

      const [attempt] = delivery.attemptLog
      assert.isNull(attempt.statusCode)
      assert.equal(attempt.error, 'Refused: private address')
      assert.equal(delivery.status, 'pending', 'a refused attempt is retried like any failure')
      assert.lengthOf(loopback.received, 0)
      assert.lengthOf(loopback6.received, 0)

      endpoint.enabled = false // no need to watch the retries
      await endpoint.save()
    })

  test('the refusal never names the address a host name resolved to', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const endpoint = await WebhookEndpoint.create({
      tenantId: tenant.id,
      url: `http://localhost:${loopback.port}/hooks`,
      events: ['client.unsubscribed'],
      enabled: true,
      secret: newSecret(),
    })
    const delivery = await waitForAttempts(await recordUnsubscribe(tenant), 1)
    endpoint.enabled = false
    await endpoint.save()

    const calls = api(client, await createToken(user, ['webhooks:manage']))
    const log = await calls.get(`/webhooks/${endpoint.id}/deliveries`)
    const page = await client.get(`/settings/webhooks/${endpoint.id}`).loginAs(user)
    assert.equal(delivery.attemptLog[0].error, 'Refused: private address')
    assert.equal(log.body().data[0].attempts[0].error, 'Refused: private address')
    page.assertTextIncludes('Refused: private address')
    for (const shown of [delivery.attemptLog[0].error, log.text(), page.text()]) {
      assert.notMatch(shown ?? '', /127\.0\.0\.1|::1\b/)
    }
  })
})
