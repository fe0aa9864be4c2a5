import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import Mailing from '#models/mailing'
import { createUser } from '#tests/helpers/users'
import { createClients, createMailing, createMessage } from '#tests/helpers/workspace'
import { api, createToken, statusOf } from '#tests/helpers/api'
import { smtp } from '#tests/helpers/peers'
import { waitUntil } from '#tests/helpers/wait'
import {
  createAttempt,
  createDeliveries,
  createRun,
  uniqueEmails,
} from '#tests/functional/stats/fixtures'

/** A wall-clock time in the workspace's zone, as the API takes it. */
function local(time: DateTime, zone: string) {
  return time.setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm")
}

test.group('API: mailings', () => {
  test('creates a mailing for selected clients, reads, updates and deletes it', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant)
    const chosen = await createClients(tenant, 2)
    const calls = api(client, await createToken(user))
    const start = DateTime.now().plus({ days: 3 }).startOf('minute')

    const created = await calls.post('/mailings', {
      name: 'December news',
      message_id: message.id,
      audience: 'selected',
      client_ids: chosen.map((c) => c.id),
      periodicity: 'weekly',
      start_at: local(start, tenant.timeZone),
      end_at: local(start.plus({ weeks: 4 }), tenant.timeZone),
    })
    created.assertStatus(201)
    const id = created.body().id
    assert.include(created.body(), {
      name: 'December news',
      status: 'created',
      periodicity: 'weekly',
      time_zone: tenant.timeZone,
    })
    assert.equal(DateTime.fromISO(created.body().start_at).toMillis(), start.toUTC().toMillis())
    const mailing = await Mailing.findOrFail(id)
    const recipients = await mailing.related('recipients').query()
    assert.sameMembers(
      recipients.map((c) => c.id),
      chosen.map((c) => c.id)
    )

    const renamed = await calls.put(`/mailings/${id}`, {
      name: 'January news',
      message_id: message.id,
      audience: 'all',
      periodicity: 'once',
      start_at: local(start, tenant.timeZone),
      end_at: local(start.plus({ days: 1 }), tenant.timeZone),
    })
    renamed.assertStatus(200)
    assert.include(renamed.body(), { name: 'January news', audience: 'all' })

    const list = await calls.get('/mailings')
    assert.deepEqual(
      list.body().data.map((m: { id: number }) => m.id),
      [id]
    )

    assert.equal(await statusOf(calls.delete(`/mailings/${id}`)), 204)
    const archived = await calls.get(`/mailings/${id}`)
    assert.isNotNull(archived.body().archived_at)
    assert.equal(await statusOf(calls.put(`/mailings/${id}`, { name: 'x' })), 409)
    const after = await calls.get('/mailings')
    assert.deepEqual(after.body().data, [])
  })

  test('validation names the failing fields in snake_case', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const other = await createUser()
    const theirs = await createMessage(other.tenant)
    const calls = api(client, await createToken(user))

    const response = await calls.post('/mailings', {
      name: 'x',
      message_id: theirs.id,
      audience: 'selected',
      periodicity: 'hourly',
      start_at: '2030-01-02T10:00',
      end_at: '2030-01-01T10:00',
    })
    response.assertStatus(422)
    assert.sameMembers(
      response.body().errors.map((error: { field: string }) => error.field),
      ['name', 'message_id', 'client_ids', 'periodicity', 'end_at']
    )
    const saved = await tenant.related('mailings').query()
    assert.lengthOf(saved, 0)
  })

  test('send starts a run now that the worker delivers; pause and resume', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const [recipient] = await createClients(tenant, 1)
    const mailing = await createMailing(tenant)
    const calls = api(client, await createToken(user))

    const sent = await calls.post(`/mailings/${mailing.id}/send`)
    sent.assertStatus(202)
    assert.include(sent.body(), { status: 'running', total: 1 })
    await waitUntil('the message to arrive', async () => smtp.messagesTo(recipient.email).length)

    const stats = await calls.get(`/mailings/${mailing.id}/stats`)
    await waitUntil('the run to complete', async () => {
      const response = await calls.get(`/mailings/${mailing.id}/stats`)
      return response.body().totals.sent === 1
    })
    assert.equal(stats.body().runs[0].id, sent.body().id)

    const paused = await calls.post(`/mailings/${mailing.id}/pause`)
    paused.assertStatus(200)
    assert.equal(paused.body().status, 'paused')
    assert.equal(await statusOf(calls.post(`/mailings/${mailing.id}/send`)), 409)
    assert.equal(await statusOf(calls.post(`/mailings/${mailing.id}/pause`)), 409)
    const resumed = await calls.post(`/mailings/${mailing.id}/resume`)
    resumed.assertStatus(200)
    assert.notEqual(resumed.body().status, 'paused')
  })

  test('the delivery log filters by status and run, and pages by cursor', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const mailing = await createMailing(tenant, { status: 'completed' })
    const older = await createRun(mailing, { total: 2, sent: 1, failed: 1 })
    const newer = await createRun(mailing, { total: 3, sent: 3 })
    const [sentOld, failedOld] = await createDeliveries(older, [
      { email: uniqueEmails('a', 1)[0], status: 'sent' },
      { email: uniqueEmails('b', 1)[0], status: 'failed', reason: '550 No such user' },
    ])
    const newDeliveries = await createDeliveries(
      newer,
      uniqueEmails('c', 3).map((email) => ({ email, status: 'sent' as const }))
    )
    await createAttempt(failedOld, {
      outcome: 'permanent',
      attemptedAt: DateTime.now(),
      smtpCode: 550,
      response: '550 No such user',
    })
    const calls = api(client, await createToken(user))

    const ids: number[] = []
    let cursor: string | null = null
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2'
      const page = await calls.get(`/mailings/${mailing.id}/deliveries${query}`)
      ids.push(...page.body().data.map((d: { id: number }) => d.id))
      cursor = page.body().next_cursor
    } while (cursor)
    assert.deepEqual(ids, [
      ...newDeliveries.map((d) => Number(d.id)).reverse(),
      Number(failedOld.id),
      Number(sentOld.id),
    ])

    const failed = await calls.get(`/mailings/${mailing.id}/deliveries?status=failed`)
    assert.lengthOf(failed.body().data, 1)
    assert.deepInclude(failed.body().data[0].attempts[0], {
      outcome: 'permanent',
      smtp_code: 550,
      response: '550 No such user',
    })
    const ofRun = await calls.get(`/mailings/${mailing.id}/deliveries?run=${older.id}`)
    assert.lengthOf(ofRun.body().data, 2)
    const wrong = await calls.get(`/mailings/${mailing.id}/deliveries?status=lost`)
    wrong.assertStatus(422)
  })

  test('another workspace’s mailings answer 404 everywhere; abilities are checked', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const other = await createUser()
    const theirs = await createMailing(other.tenant)
    const own = await createMailing(tenant)
    const calls = api(client, await createToken(user))
    const reader = api(client, await createToken(user, ['mailings:read']))
    const writer = api(client, await createToken(user, ['mailings:write']))

    for (const path of ['', '/stats', '/deliveries']) {
      assert.equal(await statusOf(calls.get(`/mailings/${theirs.id}${path}`)), 404)
      assert.equal(await statusOf(reader.get(`/mailings/${own.id}${path}`)), 200)
      assert.equal(await statusOf(writer.get(`/mailings/${own.id}${path}`)), 403)
    }
    for (const action of ['send', 'pause', 'resume']) {
      assert.equal(await statusOf(calls.post(`/mailings/${theirs.id}/${action}`)), 404)
      assert.equal(await statusOf(reader.post(`/mailings/${own.id}/${action}`)), 403)
    }
    assert.equal(await statusOf(calls.put(`/mailings/${theirs.id}`, { name: 'x' })), 404)
    assert.equal(await statusOf(calls.delete(`/mailings/${theirs.id}`)), 404)
    assert.equal(await statusOf(reader.delete(`/mailings/${own.id}`)), 403)
    assert.equal(await statusOf(writer.get('/mailings')), 403)
    await theirs.refresh()
    assert.isNull(theirs.archivedAt)
  })
})

test.group('API: mailing times go back in as they came out', () => {
  /** A workspace whose zone is not UTC, and its owner's API calls. */
  async function ownerInNewYork(client: Parameters<typeof api>[0]) {
    const { user, tenant } = await createUser()
    tenant.timeZone = 'America/New_York'
    await tenant.save()
    return { tenant, calls: api(client, await createToken(user)) }
  }

  /** A mailing's fields as PUT takes them, from what GET answered. */
  const editable = (body: Record<string, unknown>) => ({
    name: body.name,
    message_id: body.message_id,
    audience: body.audience,
    periodicity: body.periodicity,
    start_at: body.start_at,
    end_at: body.end_at,
  })

  test('GET → PUT leaves start_at and end_at unchanged, before and after the start', async ({
    client,
    assert,
  }) => {
    const { tenant, calls } = await ownerInNewYork(client)
    const notStarted = await createMailing(tenant, {
      startAt: DateTime.fromISO('2031-03-09T14:45:00Z'),
      endAt: DateTime.fromISO('2031-05-01T04:00:30Z'),
      periodicity: 'weekly',
    })
    const started = await createMailing(tenant, {
      status: 'running',
      startAt: DateTime.fromISO('2026-01-01T10:00:00Z'),
      endAt: DateTime.fromISO('2036-01-01T10:00:00Z'),
      periodicity: 'daily',
    })

    for (const mailing of [notStarted, started]) {
      const read = await calls.get(`/mailings/${mailing.id}`)
      read.assertStatus(200)
      const body =
        mailing === started
          ? { name: 'Renamed', end_at: read.body().end_at }
          : {
              ...editable(read.body()),
              name: 'Renamed',
            }
      const saved = await calls.put(`/mailings/${mailing.id}`, body)
      saved.assertStatus(200)
      const again = await calls.get(`/mailings/${mailing.id}`)
      assert.equal(again.body().name, 'Renamed')
      assert.equal(again.body().start_at, read.body().start_at)
      assert.equal(again.body().end_at, read.body().end_at)
    }
  })

  test('an offset or Z is an instant; wall-clock time stays in the workspace zone', async ({
    client,
    assert,
  }) => {
    const { tenant, calls } = await ownerInNewYork(client)
    const message = await createMessage(tenant)
    const fields = { message_id: message.id, audience: 'all', periodicity: 'once' }

    for (const [start, end, startUtc, endUtc] of [
      ['2030-06-01T10:30:00+02:00', '2030-06-01t12:00:00.750z', '08:30:00', '12:00:00'],
      // New York is UTC-4 in June.
      ['2030-06-01T10:30', '2030-06-01T10:45:10', '14:30:00', '14:45:10'],
      // Compared as instants: 09:00 in New York is after 14:00 in Paris.
      ['2030-06-01T14:00:00+02:00', '2030-06-01T09:00', '12:00:00', '13:00:00'],
    ]) {
      const created = await calls.post('/mailings', {
        ...fields,
        name: `From ${start} to ${end}`,
        start_at: start,
        end_at: end,
      })
      created.assertStatus(201)
      assert.deepInclude(created.body(), {
        start_at: `2030-06-01T${startUtc}Z`,
        end_at: `2030-06-01T${endUtc}Z`,
      })
    }
  })

  test('refuses malformed and impossible times, naming the field', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant)
    const calls = api(client, await createToken(user))

    for (const value of [
      'tomorrow',
      '2030-06-01',
      '2030-06-01T10',
      '2030-06-01 10:30:00Z',
      '20300601T103000Z',
      '2030-W22-6T10:30Z',
      '2030-06-01T10:30:00.5',
      '2030-06-01T10:30:00+0200',
      '2030-06-01T10:30:00+25:00',
      '2030-02-31T10:30:00Z',
      '2030-06-01T24:30',
    ]) {
      const response = await calls.post('/mailings', {
        name: 'Bad time',
        message_id: message.id,
        audience: 'all',
        periodicity: 'once',
        start_at: value,
        end_at: '2031-01-01T00:00:00Z',
      })
      response.assertStatus(422)
      assert.deepEqual(
        response.body().errors,
        [{ field: 'start_at', message: 'Enter the start as a date and time', rule: 'dateTime' }],
        value
      )
    }
    assert.lengthOf(await tenant.related('mailings').query(), 0)
  })
})
