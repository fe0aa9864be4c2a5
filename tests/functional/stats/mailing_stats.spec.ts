import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { createUser } from '#tests/helpers/users'
import { createMailing } from '#tests/helpers/workspace'
import {
  createAttempt,
  createDeliveries,
  createRun,
  uniqueEmails,
} from '#tests/functional/stats/fixtures'

const inParis = async () => {
  const owner = await createUser()
  owner.tenant.timeZone = 'Europe/Paris'
  await owner.tenant.save()
  return owner
}

test.group('Mailing statistics: the mailing page', () => {
  test('shows each run with its counters, status reason and times in the workspace zone', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await inParis()
    const mailing = await createMailing(tenant, { periodicity: 'daily', status: 'running' })
    await createRun(mailing, {
      status: 'completed',
      occurrenceAt: DateTime.utc(2031, 1, 10, 8, 0),
      startedAt: DateTime.utc(2031, 1, 10, 8, 0, 1),
      completedAt: DateTime.utc(2031, 1, 10, 8, 20),
      total: 1200,
      sent: 1150,
      failed: 30,
      skipped: 20,
    })
    const paused = await createRun(mailing, {
      status: 'paused',
      statusReason: 'Too many failures: the mail server refused 50 messages',
      occurrenceAt: DateTime.utc(2031, 1, 11, 8, 0),
      startedAt: DateTime.utc(2031, 1, 11, 8, 0, 2),
      total: 100,
      sent: 40,
      failed: 50,
      skipped: 0,
    })

    const response = await client.get(`/mailings/${mailing.id}`).loginAs(user)

    response.assertStatus(200)
    const html = response.text()
    const pausedRow = rowOf(html, paused.id)
    // Occurrence and start in Paris (UTC+1 in winter).
    assert.include(pausedRow, '11 Jan 2031, 09:00')
    assert.include(pausedRow, 'paused')
    assert.include(pausedRow, 'Too many failures: the mail server refused 50 messages')
    assert.deepEqual(fieldsOf(pausedRow), {
      total: '100',
      queued: '10',
      sent: '40',
      failed: '50',
      skipped: '0',
      successRate: '44.4%',
    })
    // Totals over both runs: 1,190 sent of 1,270 tried.
    const totals = between(html, 'data-testid="stats-totals"', '</dl>')
    assert.deepEqual(totalsOf(totals), {
      runs: '2',
      queued: '10',
      sent: '1,190',
      failed: '80',
      skipped: '20',
      successRate: '93.7%',
      bounced: '0',
      bounceRate: '0%',
      complained: '0',
      complaintRate: '0%',
    })
    // The live parts: progress of the paused run, the chart, the script.
    assert.include(html, `data-run-progress data-run-id="${paused.id}"`)
    assert.include(html, '90 of 100 done (90%)')
    assert.include(html, 'data-sends-chart')
    assert.match(html, /<script src="\/js\/mailing_stats\.js\?v=\w+" defer><\/script>/)
    assert.match(html, /<script src="\/vendor\/chart\.umd\.min\.js\?v=\w+" defer><\/script>/)
    assert.include(html, `data-stats-url="/mailings/${mailing.id}/stats"`)
  })

  test('a mailing that has not run yet says so', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const mailing = await createMailing(tenant)

    const response = await client.get(`/mailings/${mailing.id}`).loginAs(user)

    response.assertStatus(200)
    assert.include(response.text(), 'data-testid="no-runs"')
    assert.include(response.text(), 'Nothing sent yet')
    assert.notInclude(response.text(), 'mailing_stats.js')
  })

  test('the Chart.js build is served from our own server', async ({ client, assert }) => {
    const response = await client.get('/vendor/chart.umd.min.js')

    response.assertStatus(200)
    assert.include(response.text().slice(0, 300), 'Chart.js')
  })
})

test.group('Mailing statistics: the JSON the page polls', () => {
  test('answers the runs counters, the totals and whether a run is running', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const mailing = await createMailing(tenant, { status: 'running' })
    const done = await createRun(mailing, {
      status: 'completed',
      total: 10,
      sent: 9,
      failed: 1,
      completedAt: DateTime.now(),
    })
    const running = await createRun(mailing, {
      status: 'running',
      total: 50,
      sent: 20,
      failed: 5,
      skipped: 2,
    })

    const response = await client.get(`/mailings/${mailing.id}/stats`).loginAs(user)

    response.assertStatus(200)
    assert.equal(response.header('cache-control'), 'no-store')
    const body = response.body()
    assert.isTrue(body.running)
    assert.deepEqual(
      body.runs.map((run: any) => [
        run.id,
        run.status,
        run.total,
        run.sent,
        run.failed,
        run.skipped,
      ]),
      [
        [running.id, 'running', 50, 20, 5, 2],
        [done.id, 'completed', 10, 9, 1, 0],
      ]
    )
    assert.equal(body.runs[0].queued, 23)
    assert.closeTo(body.runs[0].successRate, 0.8, 0.0001)
    assert.deepEqual(body.totals, {
      runs: 2,
      total: 60,
      queued: 23,
      sent: 29,
      failed: 6,
      skipped: 2,
      bounced: 0,
      complained: 0,
      successRate: 29 / 35,
      bounceRate: 0,
      complaintRate: 0,
    })
  })

  test('charts the newest run per minute by outcome, labelled in the workspace zone', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await inParis()
    const mailing = await createMailing(tenant, { status: 'running' })
    const startedAt = DateTime.now().minus({ minutes: 30 }).startOf('minute')
    const run = await createRun(mailing, { status: 'running', startedAt, total: 4 })
    const [a, b, c] = await createDeliveries(run, [
      { email: 'a@example.com', status: 'sent' },
      { email: 'b@example.com', status: 'failed' },
      { email: 'c@example.com', status: 'sent' },
    ])
    const minute = (n: number, seconds = 0) => startedAt.plus({ minutes: n, seconds })
    await createAttempt(a, { outcome: 'sent', attemptedAt: minute(0, 5) })
    await createAttempt(b, { outcome: 'transient', attemptedAt: minute(0, 40), smtpCode: 451 })
    await createAttempt(b, { outcome: 'permanent', attemptedAt: minute(2, 10), smtpCode: 550 })
    await createAttempt(c, { outcome: 'sent', attemptedAt: minute(2, 59) })

    const response = await client.get(`/mailings/${mailing.id}/stats`).loginAs(user)

    response.assertStatus(200)
    const { chart } = response.body()
    assert.equal(chart.runId, run.id)
    assert.equal(chart.unit, 'minute')
    assert.isFalse(chart.partial)
    // The quiet minute in between is there, as zero, so the axis keeps time.
    assert.deepEqual(chart.points, [
      point(minute(0), 1, 1),
      point(minute(1), 0, 0),
      point(minute(2), 1, 1),
    ])
  })

  test('continues the chart from the last bucket the page has', async ({ client, assert }) => {
    const { user, tenant } = await inParis()
    const mailing = await createMailing(tenant, { status: 'running' })
    const startedAt = DateTime.now().minus({ minutes: 30 }).startOf('minute')
    const run = await createRun(mailing, { status: 'running', startedAt, total: 3 })
    const deliveries = await createDeliveries(run, [
      { email: 'a@example.com', status: 'sent' },
      { email: 'b@example.com', status: 'sent' },
      { email: 'c@example.com', status: 'sent' },
    ])
    const minute = (n: number) => startedAt.plus({ minutes: n, seconds: 3 })
    for (const [i, delivery] of deliveries.entries()) {
      await createAttempt(delivery, { outcome: 'sent', attemptedAt: minute(i * 2) })
    }

    const response = await client
      .get(`/mailings/${mailing.id}/stats`)
      .qs({ run: run.id, unit: 'minute', since: startedAt.plus({ minutes: 2 }).toUTC().toISO() })
      .loginAs(user)

    const { chart } = response.body()
    assert.isTrue(chart.partial)
    assert.deepEqual(chart.points, [
      point(startedAt.plus({ minutes: 2 }), 1, 0),
      point(startedAt.plus({ minutes: 3 }), 0, 0),
      point(startedAt.plus({ minutes: 4 }), 1, 0),
    ])

    // Another run or unit than the page has: the whole series again.
    const other = await client
      .get(`/mailings/${mailing.id}/stats`)
      .qs({ run: run.id, unit: 'hour', since: startedAt.plus({ minutes: 2 }).toUTC().toISO() })
      .loginAs(user)
    assert.isFalse(other.body().chart.partial)
    assert.lengthOf(other.body().chart.points, 5)
  })

  test('the whole chart reads closed minutes once, and the open ones every time', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await inParis()
    const mailing = await createMailing(tenant, { status: 'running' })
    const startedAt = DateTime.now().minus({ minutes: 30 }).startOf('minute')
    const run = await createRun(mailing, { status: 'running', startedAt, total: 3 })
    const [a, b, c] = await createDeliveries(run, [
      { email: 'a@example.com', status: 'sent' },
      { email: 'b@example.com', status: 'sent' },
      { email: 'c@example.com', status: 'sent' },
    ])
    const now = DateTime.now()
    const old = await createAttempt(a, { outcome: 'sent', attemptedAt: startedAt })
    await createAttempt(b, { outcome: 'sent', attemptedAt: now })
    const chart = async () => {
      const response = await client.get(`/mailings/${mailing.id}/stats`).loginAs(user)
      return response.body().chart.points as ReturnType<typeof point>[]
    }

    const first = await chart()
    assert.deepEqual(first.at(0), point(startedAt, 1, 0))
    assert.deepEqual(first.at(-1), point(now.startOf('minute'), 1, 0))

    // Minutes that ended long ago come from the cache: the log is not read
    // there again (the row removed here stands for that); the current
    // minute is read again and shows what came since.
    await old.delete()
    await createAttempt(c, { outcome: 'sent', attemptedAt: now })
    const second = await chart()
    assert.deepEqual(second.at(0), point(startedAt, 1, 0))
    assert.deepEqual(second.at(-1), point(now.startOf('minute'), 2, 0))
    assert.lengthOf(second, first.length)
  })

  test('charts a long run per hour', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const mailing = await createMailing(tenant, { status: 'completed' })
    const startedAt = DateTime.utc(2031, 2, 1, 8, 0)
    const run = await createRun(mailing, {
      status: 'completed',
      startedAt,
      completedAt: startedAt.plus({ hours: 9 }),
      total: 2,
    })
    const [a, b] = await createDeliveries(run, [
      { email: 'a@example.com', status: 'sent' },
      { email: 'b@example.com', status: 'failed' },
    ])
    await createAttempt(a, { outcome: 'sent', attemptedAt: startedAt.plus({ minutes: 5 }) })
    await createAttempt(b, { outcome: 'transient', attemptedAt: startedAt.plus({ minutes: 59 }) })
    await createAttempt(b, { outcome: 'permanent', attemptedAt: startedAt.plus({ hours: 2 }) })

    const response = await client.get(`/mailings/${mailing.id}/stats`).loginAs(user)
    const { chart } = response.body()

    assert.equal(chart.unit, 'hour')
    assert.deepEqual(
      chart.points.map((p: any) => [p.at, p.label, p.sent, p.failed]),
      [
        ['2031-02-01T08:00:00.000Z', '1 Feb, 08:00', 1, 1],
        ['2031-02-01T09:00:00.000Z', '1 Feb, 09:00', 0, 0],
        ['2031-02-01T10:00:00.000Z', '1 Feb, 10:00', 0, 1],
      ]
    )
  })

  test('without runs: nothing running, no chart', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const mailing = await createMailing(tenant)

    const response = await client.get(`/mailings/${mailing.id}/stats`).loginAs(user)

    response.assertStatus(200)
    assert.deepEqual(response.body(), {
      running: false,
      runs: [],
      totals: {
        runs: 0,
        total: 0,
        queued: 0,
        sent: 0,
        failed: 0,
        skipped: 0,
        bounced: 0,
        complained: 0,
        successRate: null,
        bounceRate: null,
        complaintRate: null,
      },
      chart: null,
    })
  })
})

test.group('Mailing statistics: who may see them', () => {
  test("another workspace's statistics, log and export answer 404", async ({ client }) => {
    const { tenant } = await createUser()
    const stranger = await createUser()
    const mailing = await createMailing(tenant)
    await createRun(mailing, { total: 1, sent: 1 })

    for (const path of ['stats', 'deliveries', 'deliveries/export']) {
      const response = await client.get(`/mailings/${mailing.id}/${path}`).loginAs(stranger.user)
      response.assertStatus(404)
    }
  })

  test('users and content managers of another workspace get 404 too', async ({ client }) => {
    const { tenant } = await createUser()
    const mailing = await createMailing(tenant)

    for (const role of ['user', 'content_manager'] as const) {
      const { user } = await createUser({ role })
      for (const path of ['', '/stats', '/deliveries']) {
        const response = await client.get(`/mailings/${mailing.id}${path}`).loginAs(user)
        response.assertStatus(404)
      }
    }
  })

  test("managers and admins read another workspace's statistics, read-only", async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const mailing = await createMailing(tenant, { status: 'running' })
    const run = await createRun(mailing, { status: 'running', total: 3, sent: 1 })
    const [delivery] = await createDeliveries(run, [
      { email: uniqueEmails('watched', 1)[0], status: 'sent' },
    ])

    for (const role of ['manager', 'admin'] as const) {
      const { user } = await createUser({ role })

      const stats = await client.get(`/mailings/${mailing.id}/stats`).loginAs(user)
      stats.assertStatus(200)
      assert.equal(stats.body().runs[0].sent, 1)

      const page = await client.get(`/mailings/${mailing.id}`).loginAs(user)
      page.assertStatus(200)
      assert.include(page.text(), '(read-only)')
      assert.include(page.text(), `data-run-row="${run.id}"`)
      assert.notInclude(page.text(), `/mailings/${mailing.id}/edit`)

      const log = await client.get(`/mailings/${mailing.id}/deliveries`).loginAs(user)
      log.assertStatus(200)
      assert.include(log.text(), delivery.email)
      assert.include(log.text(), '(read-only)')

      const csv = await client.get(`/mailings/${mailing.id}/deliveries/export`).loginAs(user)
      csv.assertStatus(200)
      assert.include(csv.text(), delivery.email)
    }
  })
})

function point(at: DateTime, sent: number, failed: number) {
  return {
    at: at.toUTC().toISO(),
    label: at.setZone('Europe/Paris').toFormat('HH:mm'),
    sent,
    failed,
  }
}

function between(html: string, start: string, end: string) {
  const from = html.indexOf(start)
  if (from === -1) throw new Error(`"${start}" is not in the page`)
  return html.slice(from, html.indexOf(end, from))
}

function rowOf(html: string, runId: number) {
  return between(html, `data-run-row="${runId}"`, '</tr>')
}

function fieldsOf(row: string) {
  return Object.fromEntries(
    [...row.matchAll(/<td class="text-end" data-field="(\w+)">([^<]*)<\/td>/g)].map((m) => [
      m[1],
      m[2].trim(),
    ])
  )
}

function totalsOf(dl: string) {
  return Object.fromEntries(
    [...dl.matchAll(/data-totals-field="(\w+)">([^<]*)</g)].map((m) => [m[1], m[2].trim()])
  )
}
