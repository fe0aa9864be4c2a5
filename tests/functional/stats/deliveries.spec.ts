import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { parse } from 'csv-parse/sync'
import type { ApiClient } from '@japa/api-client'
import type User from '#models/user'
import type Mailing from '#models/mailing'
import type { DeliveryStatus } from '#models/delivery'
import ListDeliveries from '#actions/stats/list_deliveries'
import ExportDeliveries from '#actions/stats/export_deliveries'
import { createUser } from '#tests/helpers/users'
import { createMailing } from '#tests/helpers/workspace'
import {
  createAttempt,
  createDeliveries,
  createRun,
  uniqueEmails,
} from '#tests/functional/stats/fixtures'

/**
 * A mailing with two runs: the older with 70 deliveries, the newer with 60,
 * statuses in a repeating pattern. Counters match the rows.
 */
async function mailingWithTwoRuns() {
  const { user, tenant } = await createUser()
  const mailing = await createMailing(tenant, { periodicity: 'daily', status: 'running' })
  const pattern: DeliveryStatus[] = ['sent', 'sent', 'failed', 'skipped', 'queued', 'sent']
  const runs = []
  for (const [i, size] of [70, 60].entries()) {
    const rows = uniqueEmails(`run${i}`, size).map((email, n) => ({
      email,
      status: pattern[n % pattern.length],
    }))
    const count = (status: DeliveryStatus) => rows.filter((row) => row.status === status).length
    const run = await createRun(mailing, {
      status: i === 0 ? 'completed' : 'running',
      occurrenceAt: DateTime.utc(2031, 3, 1 + i, 9),
      total: size,
      sent: count('sent'),
      failed: count('failed'),
      skipped: count('skipped'),
    })
    runs.push({ run, deliveries: await createDeliveries(run, rows) })
  }
  return { user, tenant, mailing, runs }
}

/**
 * Follows the "Next page" links from the first page, collecting each page's
 * delivery ids.
 */
async function walkPages(client: ApiClient, user: User, mailing: Mailing, qs = {}) {
  const pages: number[][] = []
  let after: string | undefined
  do {
    const response = await client
      .get(`/mailings/${mailing.id}/deliveries`)
      .qs(after ? { ...qs, after } : qs)
      .loginAs(user)
    response.assertStatus(200)
    const html = response.text()
    pages.push([...html.matchAll(/data-delivery-row="(\d+)"/g)].map((m) => Number(m[1])))
    after = html.match(/data-testid="next-page"\s+href="[^"]*(?:\?|&amp;)after=(\d+)/)?.[1]
    if (pages.length > 10) throw new Error('the pages do not end')
  } while (after)
  return pages
}

test.group('Delivery log', () => {
  test('shows each delivery with its attempts, in the workspace zone', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    tenant.timeZone = 'Asia/Tokyo'
    await tenant.save()
    const mailing = await createMailing(tenant, { status: 'completed' })
    const run = await createRun(mailing, { total: 2, sent: 1, failed: 1 })
    const [retried, refused] = await createDeliveries(run, [
      { email: 'retried@example.com', fullName: 'Rita Tried', status: 'sent', attempts: 2 },
      {
        email: 'refused@example.com',
        status: 'failed',
        reason: '550 5.1.1 Mailbox does not exist',
        attempts: 1,
      },
    ])
    await createAttempt(retried, {
      outcome: 'transient',
      attemptedAt: DateTime.utc(2031, 4, 1, 10, 0, 5),
      smtpCode: 451,
      response: '451 4.7.1 Greylisted, try again later',
      durationMs: 2300,
    })
    await createAttempt(retried, {
      outcome: 'sent',
      attemptedAt: DateTime.utc(2031, 4, 1, 10, 5, 7),
      smtpCode: 250,
      response: '250 2.0.0 OK queued as 7F2A',
      durationMs: 85,
    })
    await createAttempt(refused, {
      outcome: 'permanent',
      attemptedAt: DateTime.utc(2031, 4, 1, 10, 0, 6),
      smtpCode: 550,
      response: '550 5.1.1 Mailbox does not exist',
    })

    const response = await client.get(`/mailings/${mailing.id}/deliveries`).loginAs(user)

    response.assertStatus(200)
    const html = response.text()
    const retriedRow = between(html, `data-delivery-row="${retried.id}"`, '</tr>')
    assert.include(retriedRow, 'retried@example.com')
    assert.include(retriedRow, 'Rita Tried')
    assert.include(retriedRow, '>sent<')
    // The last attempt, in Tokyo (UTC+9).
    assert.include(retriedRow, '1 Apr 2031, 19:05:07')

    const attempts = between(html, 'data-testid="attempts-retried@example.com"', '</table>')
    assert.match(
      attempts,
      /1 Apr 2031, 19:00:05[\s\S]*transient[\s\S]*451[\s\S]*Greylisted, try again later[\s\S]*2\.3 s/
    )
    assert.match(
      attempts,
      /1 Apr 2031, 19:05:07[\s\S]*sent[\s\S]*250[\s\S]*OK queued as 7F2A[\s\S]*85 ms/
    )

    const refusedRow = between(html, `data-delivery-row="${refused.id}"`, '</tr>')
    assert.include(refusedRow, '550 5.1.1 Mailbox does not exist')
    assert.include(refusedRow, '>failed<')
  })

  test('loads the attempts of a whole page in one query', async ({ assert }) => {
    const { tenant } = await createUser()
    const mailing = await createMailing(tenant)
    const run = await createRun(mailing, { total: 5, failed: 5 })
    const deliveries = await createDeliveries(
      run,
      uniqueEmails('n1', 5).map((email) => ({ email, status: 'failed' as const }))
    )
    for (const delivery of deliveries) {
      for (const minute of [1, 2]) {
        await createAttempt(delivery, {
          outcome: minute === 1 ? 'transient' : 'permanent',
          attemptedAt: DateTime.utc(2031, 5, 1, 8, minute),
        })
      }
    }

    const queries = await countingQueries(() => ListDeliveries.handle(mailing))
    const attemptQueries = queries.filter((sql) => sql.includes('delivery_attempts'))

    assert.lengthOf(attemptQueries, 1)
    const page = await ListDeliveries.handle(mailing)
    assert.deepEqual(
      page.rows.map((row) => row.attempts.map((attempt) => attempt.outcome)),
      deliveries.map(() => ['transient', 'permanent'])
    )
  })

  test('pages through every run with keyset links, newest run first', async ({
    client,
    assert,
  }) => {
    const { user, mailing, runs } = await mailingWithTwoRuns()

    const pages = await walkPages(client, user, mailing)

    // 130 deliveries, 50 a page: 50, 50, 30, each shown once, in log order.
    assert.deepEqual(
      pages.map((page) => page.length),
      [50, 50, 30]
    )
    const expected = [...runs]
      .reverse()
      .flatMap(({ deliveries }) => deliveries.map((d) => Number(d.id)).reverse())
    assert.deepEqual(pages.flat(), expected)
  })

  test('filters by status across runs, page after page', async ({ client, assert }) => {
    const { user, mailing, runs } = await mailingWithTwoRuns()

    const pages = await walkPages(client, user, mailing, { status: 'sent' })

    const expected = [...runs].reverse().flatMap(({ deliveries }) =>
      deliveries
        .filter((d) => d.status === 'sent')
        .map((d) => Number(d.id))
        .reverse()
    )
    assert.lengthOf(expected, 65)
    assert.deepEqual(
      pages.map((page) => page.length),
      [50, 15]
    )
    assert.deepEqual(pages.flat(), expected)
  })

  test('filters by run, and by run and status', async ({ client, assert }) => {
    const { user, mailing, runs } = await mailingWithTwoRuns()
    const older = runs[0]

    const byRun = await walkPages(client, user, mailing, { run: older.run.id })
    assert.deepEqual(byRun.flat(), older.deliveries.map((d) => Number(d.id)).reverse())

    const queued = await walkPages(client, user, mailing, { run: older.run.id, status: 'queued' })
    assert.deepEqual(
      queued.flat(),
      older.deliveries
        .filter((d) => d.status === 'queued')
        .map((d) => Number(d.id))
        .reverse()
    )
  })

  test('finds a client by the start of their email address', async ({ client, assert }) => {
    const { user, mailing, runs } = await mailingWithTwoRuns()
    const target = runs[0].deliveries[7].email // run0-<n>-7@example.com
    const prefix = target.slice(0, target.lastIndexOf('-') + 1) // run0-<n>-

    const exact = await walkPages(client, user, mailing, { email: target.toUpperCase() })
    assert.deepEqual(exact.flat(), [Number(runs[0].deliveries[7].id)])

    // Starts run0-<n>-1@ and run0-<n>-10@ to -19@: 11 addresses of the older run.
    const startsWith = await walkPages(client, user, mailing, { email: `${prefix}1` })
    const expected = runs[0].deliveries
      .filter((d) => d.email.startsWith(`${prefix}1`))
      .map((d) => Number(d.id))
      .reverse()
    assert.lengthOf(expected, 11)
    assert.deepEqual(startsWith.flat(), expected)

    const withStatus = await walkPages(client, user, mailing, {
      email: `${prefix}1`,
      status: 'failed',
    })
    assert.deepEqual(
      withStatus.flat(),
      runs[0].deliveries
        .filter((d) => d.email.startsWith(`${prefix}1`) && d.status === 'failed')
        .map((d) => Number(d.id))
        .reverse()
    )
  })

  test('an email search pages with keyset links too', async ({ assert }) => {
    const { mailing, runs } = await mailingWithTwoRuns()
    const seen: number[] = []
    let after: number | undefined
    do {
      const page = await ListDeliveries.handle(mailing, { email: 'run', perPage: 40, after })
      seen.push(...page.rows.map((row) => Number(row.delivery.id)))
      after = page.nextCursor ?? undefined
    } while (after)

    const expected = [...runs]
      .reverse()
      .flatMap(({ deliveries }) => deliveries.map((d) => Number(d.id)).reverse())
    assert.deepEqual(seen, expected)
  })

  test('does not show other mailings or workspaces, whatever the filters say', async ({
    client,
    assert,
  }) => {
    const { user, tenant, mailing } = await mailingWithTwoRuns()
    const sibling = await createMailing(tenant)
    const siblingRun = await createRun(sibling, { total: 1, sent: 1 })
    const [hidden] = await createDeliveries(siblingRun, [
      { email: 'sibling@example.com', status: 'sent' },
    ])

    const byForeignRun = await client
      .get(`/mailings/${mailing.id}/deliveries`)
      .qs({ run: siblingRun.id })
      .loginAs(user)
    assert.include(byForeignRun.text(), 'data-testid="deliveries-empty"')

    const bySearch = await client
      .get(`/mailings/${mailing.id}/deliveries`)
      .qs({ email: 'sibling' })
      .loginAs(user)
    assert.notInclude(bySearch.text(), 'sibling@example.com')

    const byCursor = await client
      .get(`/mailings/${mailing.id}/deliveries`)
      .qs({ after: hidden.id })
      .loginAs(user)
    // A cursor from elsewhere starts from the top.
    assert.lengthOf([...byCursor.text().matchAll(/data-delivery-row=/g)], 50)
  })

  test('a mailing without runs has an empty log', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const mailing = await createMailing(tenant)

    const response = await client.get(`/mailings/${mailing.id}/deliveries`).loginAs(user)

    response.assertStatus(200)
    assert.include(response.text(), 'Nothing has been sent yet')
  })
})

test.group('Delivery log: CSV export', () => {
  test('streams the filtered log with the last attempt of each delivery', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const mailing = await createMailing(tenant)
    const run = await createRun(mailing, {
      occurrenceAt: DateTime.utc(2031, 6, 1, 7),
      total: 3,
      sent: 1,
      failed: 2,
    })
    const [ok, bounced, formula] = await createDeliveries(run, [
      { email: 'ok@example.com', fullName: 'Olga K', status: 'sent' },
      { email: 'bounced@example.com', status: 'failed', reason: 'Mailbox full' },
      { email: 'formula@example.com', fullName: '=HYPERLINK("x")', status: 'failed' },
    ])
    await createAttempt(ok, {
      outcome: 'sent',
      attemptedAt: DateTime.utc(2031, 6, 1, 7, 0, 3),
      smtpCode: 250,
      response: '250 OK',
    })
    await createAttempt(bounced, {
      outcome: 'transient',
      attemptedAt: DateTime.utc(2031, 6, 1, 7, 0, 4),
      smtpCode: 452,
      response: '452 try later',
    })
    await createAttempt(bounced, {
      outcome: 'permanent',
      attemptedAt: DateTime.utc(2031, 6, 1, 7, 9, 4),
      smtpCode: 552,
      response: '552 Mailbox full',
    })

    const all = await client.get(`/mailings/${mailing.id}/deliveries/export`).loginAs(user)

    all.assertStatus(200)
    assert.match(all.header('content-type') ?? '', /^text\/csv/)
    assert.match(
      all.header('content-disposition') ?? '',
      new RegExp(
        `attachment; filename="mailing-${mailing.id}-deliveries-\\d{4}-\\d{2}-\\d{2}\\.csv"`
      )
    )
    const records = parse(all.text(), { bom: true, columns: true }) as Record<string, string>[]
    assert.deepEqual(
      records.map((r) => r.email),
      [formula.email, bounced.email, ok.email]
    )
    assert.deepEqual(records[1], {
      run_occurrence_at: '2031-06-01T07:00:00Z',
      email: 'bounced@example.com',
      full_name: '',
      status: 'failed',
      reason: 'Mailbox full',
      attempts: '1',
      last_attempt_at: '2031-06-01T07:09:04Z',
      last_smtp_code: '552',
      last_response: '552 Mailbox full',
      sent_at: '',
    })
    assert.equal(records[0].full_name, `'=HYPERLINK("x")`)
    assert.equal(records[2].last_response, '250 OK')
    assert.match(records[2].sent_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)

    const failed = await client
      .get(`/mailings/${mailing.id}/deliveries/export`)
      .qs({ status: 'failed', email: 'bo' })
      .loginAs(user)
    const filtered = parse(failed.text(), { bom: true, columns: true }) as Record<string, string>[]
    assert.deepEqual(
      filtered.map((r) => r.email),
      ['bounced@example.com']
    )
  })

  test('exports chunk after chunk across runs, each delivery once', async ({ assert }) => {
    const { mailing, runs } = await mailingWithTwoRuns()

    let csv = ''
    for await (const chunk of ExportDeliveries.handle(mailing, {}, { chunkSize: 40 })) csv += chunk
    const records = parse(csv, { bom: true, columns: true }) as Record<string, string>[]

    assert.lengthOf(records, 130)
    assert.deepEqual(
      records.map((r) => r.email),
      [...runs].reverse().flatMap(({ deliveries }) => deliveries.map((d) => d.email).reverse())
    )
  })
})

function between(html: string, start: string, end: string) {
  const from = html.indexOf(start)
  if (from === -1) throw new Error(`"${start}" is not in the page`)
  return html.slice(from, html.indexOf(end, from))
}

/**
 * The SQL statements run while `work` runs.
 */
async function countingQueries(work: () => Promise<unknown>) {
  const { default: emitter } = await import('@adonisjs/core/services/emitter')
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const seen: string[] = []
  const listener = (query: { sql: string }) => seen.push(query.sql)
  // Lucid reports queries only on connections in debug mode.
  const { config } = db.manager.get(db.primaryConnectionName)!.connection!
  const debugBefore = config.debug
  config.debug = true
  emitter.on('db:query', listener)
  try {
    await work()
  } finally {
    emitter.off('db:query', listener)
    config.debug = debugBefore
  }
  return seen
}
