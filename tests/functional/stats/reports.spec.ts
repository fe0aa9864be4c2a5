import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { createUser } from '#tests/helpers/users'
import { createMailing } from '#tests/helpers/workspace'
import { createRun } from '#tests/functional/stats/fixtures'

const inNewYork = async () => {
  const owner = await createUser()
  owner.tenant.timeZone = 'America/New_York'
  await owner.tenant.save()
  return owner
}

test.group('Workspace report', () => {
  test('totals each mailing over the chosen days, in the workspace zone', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await inNewYork()
    const weekly = await createMailing(tenant, { name: 'Weekly news', periodicity: 'weekly' })
    const promo = await createMailing(tenant, { name: 'Anniversary promo' })
    const idle = await createMailing(tenant, { name: 'Never ran in March' })

    // New York is UTC-5 until 9 March 2031, UTC-4 after.
    const at = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' })
    // 28 Feb, 23:30 in New York: the day before the range.
    await createRun(weekly, { createdAt: at('2031-03-01T04:30'), total: 1000, sent: 1000 })
    // 1 Mar, 00:30 in New York: the first day of the range.
    await createRun(weekly, {
      createdAt: at('2031-03-01T05:30'),
      total: 100,
      sent: 90,
      failed: 6,
      skipped: 4,
    })
    await createRun(weekly, {
      createdAt: at('2031-03-08T14:00'),
      status: 'paused',
      total: 100,
      sent: 30,
      failed: 10,
      skipped: 4,
    })
    await createRun(weekly, {
      createdAt: at('2031-03-15T13:00'),
      startedAt: null,
      status: 'missed',
    })
    // 31 Mar, 23:59 in New York: the last day of the range.
    await createRun(promo, {
      createdAt: at('2031-04-01T03:59'),
      total: 20,
      sent: 19,
      failed: 1,
    })
    // 1 Apr, 00:00 in New York: after it.
    await createRun(promo, { createdAt: at('2031-04-01T04:00'), total: 500, sent: 500 })
    await createRun(idle, { createdAt: at('2031-05-01T12:00'), total: 3, sent: 3 })

    const response = await client
      .get('/reports')
      .qs({ from: '2031-03-01', to: '2031-03-31' })
      .loginAs(user)

    response.assertStatus(200)
    const html = response.text()
    assert.deepEqual(lineOf(html, promo.id), ['1', '0', '20', '19', '1', '0', '95%'])
    assert.deepEqual(lineOf(html, weekly.id), ['2', '1', '200', '120', '16', '8', '88.2%'])
    assert.notInclude(html, `data-report-line="${idle.id}"`)
    // Sorted by name.
    assert.isBelow(html.indexOf('Anniversary promo'), html.indexOf('Weekly news'))
    assert.deepEqual(totalsOf(html), {
      runs: '3',
      sent: '139',
      failed: '17',
      skipped: '8',
      successRate: '89.1%',
      bounceRate: '0%',
      complaintRate: '0%',
    })
    assert.include(html, '1 Mar 2031 – 31 Mar 2031')
    assert.include(html, 'value="2031-03-01"')
    assert.include(html, 'value="2031-03-31"')
  })

  test("counts only the workspace's own mailings", async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const other = await createUser()
    const own = await createMailing(tenant, { name: 'Own mailing' })
    const foreign = await createMailing(other.tenant, { name: 'Foreign mailing' })
    await createRun(own, { createdAt: DateTime.now(), total: 2, sent: 2 })
    await createRun(foreign, { createdAt: DateTime.now(), total: 7, sent: 7 })

    const response = await client.get('/reports').loginAs(user)

    response.assertStatus(200)
    assert.include(response.text(), 'Own mailing')
    assert.notInclude(response.text(), 'Foreign mailing')
    assert.equal(totalsOf(response.text()).sent, '2')
  })

  test('shows the last 30 days when no days are chosen', async ({ client, assert }) => {
    const { user, tenant } = await inNewYork()
    const mailing = await createMailing(tenant, { name: 'Recent' })
    await createRun(mailing, { createdAt: DateTime.now(), total: 5, sent: 4, failed: 1 })
    await createRun(mailing, {
      createdAt: DateTime.now().minus({ days: 45 }),
      total: 100,
      sent: 100,
    })

    const response = await client.get('/reports').loginAs(user)

    response.assertStatus(200)
    const today = DateTime.now().setZone('America/New_York')
    assert.include(response.text(), `value="${today.toISODate()}"`)
    assert.include(response.text(), `value="${today.minus({ days: 29 }).toISODate()}"`)
    assert.deepEqual(lineOf(response.text(), mailing.id), ['1', '0', '5', '4', '1', '0', '80%'])
  })

  test('says when nothing ran', async ({ client, assert }) => {
    const { user } = await createUser()

    const response = await client
      .get('/reports')
      .qs({ from: '2020-01-01', to: '2020-01-31' })
      .loginAs(user)

    response.assertStatus(200)
    assert.include(response.text(), 'No mailing ran in these days.')
    assert.equal(totalsOf(response.text()).successRate, '—')
  })

  test('refuses a range that ends before it starts, with the error beside the field', async ({
    client,
    assert,
  }) => {
    const { user } = await createUser()

    const response = await client
      .get('/reports')
      .qs({ from: '2031-03-10', to: '2031-03-01' })
      .loginAs(user)

    response.assertStatus(422)
    assert.include(errorOf(response.text(), 'to'), 'The last day must be on or after the first day')
    // What was typed stays in the fields; no report is shown.
    assert.include(response.text(), 'value="2031-03-10"')
    assert.include(response.text(), 'value="2031-03-01"')
    assert.notInclude(response.text(), 'data-testid="report-totals"')
  })

  test('refuses more than a year, and days that do not exist', async ({ client, assert }) => {
    const { user } = await createUser()

    const tooLong = await client
      .get('/reports')
      .qs({ from: '2030-01-01', to: '2031-01-02' })
      .loginAs(user)
    tooLong.assertStatus(422)
    assert.include(errorOf(tooLong.text(), 'to'), 'Choose a range of at most one year')

    const aYear = await client
      .get('/reports')
      .qs({ from: '2030-01-01', to: '2031-01-01' })
      .loginAs(user)
    aYear.assertStatus(200)

    const nonsense = await client
      .get('/reports')
      .qs({ from: '2031-02-30', to: 'tomorrow' })
      .loginAs(user)
    nonsense.assertStatus(422)
    assert.include(errorOf(nonsense.text(), 'from'), 'Enter a date like 2025-03-31')
    assert.include(errorOf(nonsense.text(), 'to'), 'Enter a date like 2025-03-31')
  })

  test('the dashboard links to the report', async ({ client, assert }) => {
    const { user } = await createUser()

    const response = await client.get('/dashboard').loginAs(user)

    assert.include(response.text(), 'href="/reports"')
  })
})

function lineOf(html: string, mailingId: number) {
  const start = html.indexOf(`data-report-line="${mailingId}"`)
  if (start === -1) throw new Error(`mailing ${mailingId} is not in the report`)
  const row = html.slice(start, html.indexOf('</tr>', start))
  return [...row.matchAll(/<td class="text-end">([^<]*)<\/td>/g)].map((m) => m[1].trim())
}

function totalsOf(html: string) {
  return Object.fromEntries(
    [...html.matchAll(/data-report-total="(\w+)">([^<]*)</g)].map((m) => [m[1], m[2].trim()])
  )
}

function errorOf(html: string, field: string) {
  const match = html.match(new RegExp(`data-testid="error-${field}">([^<]*)<`))
  if (!match) throw new Error(`no error beside ${field}`)
  return match[1]
}
