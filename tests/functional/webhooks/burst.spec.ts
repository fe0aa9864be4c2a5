import { test } from '@japa/runner'
import queue from '@rlanz/bull-queue/services/main'
import RecordWebhookEvent from '#actions/webhooks/record_webhook_event'
import webhooksConfig from '#config/webhooks'
import { createUser } from '#tests/helpers/users'
import { waitUntil } from '#tests/helpers/wait'
import { startReceiver } from './receiver.js'
import { createEndpoint } from './helpers.js'

const EVENTS = 200

test.group('Webhooks: a burst of events', () => {
  test('makes at most one job per endpoint and is delivered in order', async ({
    assert,
    cleanup,
  }) => {
    const receiver = await startReceiver(cleanup)
    const { tenant } = await createUser()
    const endpoint = await createEndpoint(tenant, receiver.url(), ['message.sent'])
    const webhooks = queue.getOrSet(webhooksConfig.queue)

    // Watch the queue while the events pour in and drain.
    let mostJobs = 0
    let watching = true
    const watcher = (async () => {
      while (watching) {
        const jobs = await webhooks.getJobs(['waiting', 'active', 'delayed', 'prioritized'])
        const ours = jobs.filter((job) => job?.data?.endpointId === endpoint.id)
        mostJobs = Math.max(mostJobs, ours.length)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    })()

    const ids: string[] = []
    for (let index = 0; index < EVENTS; index++) {
      const message = await RecordWebhookEvent.handle({
        tenantId: tenant.id,
        type: 'message.sent',
        data: { delivery_id: index },
      })
      ids.push(message!.id)
    }
    await waitUntil(`${EVENTS} webhooks`, async () => receiver.received.length >= EVENTS, 60_000)
    watching = false
    await watcher

    assert.equal(mostJobs, 1)
    assert.deepEqual(
      receiver.received.map((request) => request.headers['webhook-id']),
      ids
    )
    assert.deepEqual(
      receiver.verified(endpoint.secret).map((event) => event.data.delivery_id),
      ids.map((_, index) => index)
    )
  })
})
