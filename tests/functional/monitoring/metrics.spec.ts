import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import { Queue } from 'bullmq'
import { redisConnection } from '#config/redis'
import { watchQueues } from '#services/observability/queue_metrics'
import DeliverWebhook from '#actions/webhooks/deliver_webhook'
import { METRICS_TOKEN, appUrl, scrape } from '#tests/helpers/monitoring'
import { createUser } from '#tests/helpers/users'
import { waitUntil } from '#tests/helpers/wait'
import { startReceiver } from '../webhooks/receiver.js'
import { createEndpoint, recordUnsubscribe } from '../webhooks/helpers.js'

test.group('Metrics endpoint', () => {
  test('/metrics is refused with {label}')
    .with<{ label: string; headers: Record<string, string>; path: string }[]>([
      { label: 'no token', headers: {}, path: '/metrics' },
      {
        label: 'a wrong token',
        headers: { authorization: 'Bearer wrong-token-0123456789' },
        path: '/metrics',
      },
      {
        label: 'a very long token',
        headers: { authorization: `Bearer ${'a'.repeat(8000)}` },
        path: '/metrics',
      },
      {
        label: 'the right token in the query string',
        headers: {},
        path: `/metrics?token=${METRICS_TOKEN}&access_token=${METRICS_TOKEN}`,
      },
      {
        label: 'the right token under another scheme',
        headers: { authorization: `Token ${METRICS_TOKEN}` },
        path: '/metrics',
      },
      {
        label: 'the right token plus one character',
        headers: { 'x-monitoring-secret': `${METRICS_TOKEN}x` },
        path: '/metrics',
      },
    ])
    .run(async ({ assert }, { headers, path }) => {
      const response = await fetch(appUrl(path), { headers })
      assert.equal(response.status, 401)
      assert.equal(response.headers.get('www-authenticate'), 'Bearer')
      assert.isNull(response.headers.get('set-cookie'))
      assert.notInclude(await response.text(), 'mailings_')
    })

  test('/metrics is served with the token in {header}')
    .with([{ header: 'authorization' }, { header: 'x-monitoring-secret' }])
    .run(async ({ assert }, { header }) => {
      const value = header === 'authorization' ? `Bearer ${METRICS_TOKEN}` : METRICS_TOKEN
      const response = await fetch(appUrl('/metrics'), { headers: { [header]: value } })
      assert.equal(response.status, 200)
      assert.include(response.headers.get('content-type') ?? '', 'text/plain')
      assert.isNull(response.headers.get('set-cookie'))
      const text = await response.text()
      assert.include(text, 'mailings_process_resident_memory_bytes')
      assert.include(text, 'mailings_nodejs_eventloop_lag_seconds')
    })

  test('HTTP requests are counted by route pattern, never by URL', async ({ assert }) => {
    const marker = randomUUID()
    const article = await fetch(appUrl(`/blog/${marker}`))
    const unknown = await fetch(appUrl(`/no-such-page-${marker}`))
    assert.equal(unknown.status, 404)
    const asset = await fetch(appUrl('/favicon.svg'))
    assert.equal(asset.status, 200)

    const metrics = await scrape(appUrl('/metrics'))
    const count = 'mailings_http_request_duration_seconds_count'
    assert.isAtLeast(
      metrics.value(count, {
        route: '/blog/:slug',
        method: 'GET',
        status: String(article.status),
        role: 'web',
      }),
      1
    )
    assert.isAtLeast(metrics.value(count, { route: 'unmatched', status: '404' }), 1)
    assert.isAtLeast(metrics.value(count, { route: 'static', status: '200' }), 1)
    assert.isAtLeast(
      metrics.value('mailings_http_request_duration_seconds_bucket', {
        route: '/blog/:slug',
        le: '+Inf',
      }),
      1
    )
    const labelValues = metrics.samples.flatMap((sample) => Object.values(sample.labels))
    assert.isFalse(
      labelValues.some((value) => value.includes(marker)),
      'a URL became a label value'
    )
  })

  test('queue depth and the oldest waiting job are read from BullMQ when scraped', async ({
    assert,
    cleanup,
  }) => {
    // A queue no worker serves, so its jobs stay where they are put.
    const name = `metrics-depth-${randomUUID()}`
    const queue = new Queue(name, { connection: redisConnection })
    cleanup(async () => {
      await queue.obliterate({ force: true })
      await queue.close()
    })
    watchQueues([name])

    await queue.add('first', {})
    await queue.add('second', {}, { priority: 1 })
    await queue.add('later', {}, { delay: 3_600_000 })

    const metrics = await scrape(appUrl('/metrics'))
    assert.equal(metrics.value('mailings_queue_jobs', { queue: name, state: 'waiting' }), 2)
    assert.equal(metrics.value('mailings_queue_jobs', { queue: name, state: 'delayed' }), 1)
    assert.equal(metrics.value('mailings_queue_jobs', { queue: name, state: 'active' }), 0)
    assert.equal(metrics.value('mailings_queue_jobs', { queue: name, state: 'failed' }), 0)
    const age = metrics.value('mailings_queue_oldest_waiting_job_age_seconds', { queue: name })
    assert.isAbove(age, 0)
    assert.isBelow(age, 3600)
    // The configured queues are reported too.
    assert.isTrue(
      metrics.samples.some(
        (sample) => sample.name === 'mailings_queue_jobs' && sample.labels.queue === 'default'
      )
    )
  })

  test('webhook attempts are counted by result in the process that makes them', async ({
    assert,
    cleanup,
  }) => {
    // The suite's worker takes no webhook job meanwhile: this process makes
    // the attempts, and its /metrics shows them.
    const webhooks = new Queue('webhooks', { connection: redisConnection })
    await webhooks.pause()
    cleanup(async () => {
      await webhooks.resume()
      await webhooks.close()
    })
    const receiver = await startReceiver(cleanup)
    receiver.answer({ status: 503, body: 'busy' })
    const { tenant } = await createUser()
    await createEndpoint(tenant, receiver.url())
    const delivery = await recordUnsubscribe(tenant)

    const attempts = 'mailings_webhook_attempts_total'
    const before = await scrape(appUrl('/metrics'))
    assert.equal(await DeliverWebhook.handle(delivery.id), 'pending')
    await waitUntil('the retry to succeed', async () => {
      const result = await DeliverWebhook.handle(delivery.id)
      return result === 'succeeded'
    })
    const after = await scrape(appUrl('/metrics'))
    const added = (result: string) =>
      after.value(attempts, { result }) - before.value(attempts, { result })
    assert.equal(added('retrying'), 1)
    assert.equal(added('succeeded'), 1)
    assert.equal(added('failed'), 0)
  })
})
