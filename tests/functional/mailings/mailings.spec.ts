import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import queue from '@rlanz/bull-queue/services/main'
import Mailing from '#models/mailing'
import MailingRun from '#models/mailing_run'
import { waitUntil } from '#tests/helpers/wait'
import { createUser } from '#tests/helpers/users'
import { createClients, createMailing, createMessage } from '#tests/helpers/workspace'
import { deleteForm, postForm, putForm } from '#tests/helpers/forms'
import { api, createToken } from '#tests/helpers/api'

const inParis = async () => {
  const owner = await createUser()
  owner.tenant.timeZone = 'Europe/Paris'
  await owner.tenant.save()
  return owner
}

const localInput = (dt: DateTime, zone = 'Europe/Paris') =>
  dt.setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm")

test.group('Mailings: create', () => {
  test('creates a mailing to all clients, reading times in the workspace zone', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await inParis()
    const message = await createMessage(tenant)

    const response = await postForm(client, '/mailings', {
      name: 'December news',
      messageId: message.id,
      audience: 'all',
      periodicity: 'monthly',
      startAt: '2030-12-01T09:00',
      endAt: '2031-06-01T09:00',
    }).loginAs(user)

    response.assertStatus(302)
    const mailing = await Mailing.query().where('tenant_id', tenant.id).firstOrFail()
    assert.match(response.header('location') ?? '', new RegExp(`/mailings/${mailing.id}$`))
    assert.equal(mailing.status, 'created')
    assert.equal(mailing.audience, 'all')
    // 09:00 in Paris in winter is 08:00 UTC.
    assert.equal(mailing.startAt.toUTC().toISO(), '2030-12-01T08:00:00.000Z')
    assert.equal(mailing.nextRunAt!.toUTC().toISO(), '2030-12-01T08:00:00.000Z')
  })

  test('a mailing whose window contains now starts at once', async ({ client, assert }) => {
    const { user, tenant } = await inParis()
    const message = await createMessage(tenant)
    await createClients(tenant, 1)

    await postForm(client, '/mailings', {
      name: 'Right now',
      messageId: message.id,
      audience: 'all',
      periodicity: 'once',
      startAt: localInput(DateTime.now().minus({ hours: 1 })),
      endAt: localInput(DateTime.now().plus({ hours: 1 })),
    }).loginAs(user)

    const mailing = await Mailing.query().where('tenant_id', tenant.id).firstOrFail()
    // The worker's scheduler was told at once: the run exists and completes.
    const run = await waitUntil('the run to complete', () =>
      MailingRun.query().where({ mailing_id: mailing.id, status: 'completed' }).first()
    )
    assert.equal(run.sent, 1)
    await mailing.refresh()
    assert.equal(mailing.status, 'completed')
    assert.isNull(mailing.nextRunAt)
  })

  test('keeps the chosen clients', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant)
    const clients = await createClients(tenant, 3)

    await postForm(client, '/mailings', {
      name: 'Chosen few',
      messageId: message.id,
      audience: 'selected',
      clientIds: [clients[0].id, clients[2].id],
      periodicity: 'once',
      startAt: '2030-01-01T10:00',
      endAt: '2030-01-02T10:00',
    }).loginAs(user)

    const mailing = await Mailing.query()
      .where('tenant_id', tenant.id)
      .preload('recipients')
      .firstOrFail()
    assert.sameMembers(
      mailing.recipients.map((c) => c.id),
      [clients[0].id, clients[2].id]
    )
  })

  test('reports each invalid field', async ({ client }) => {
    const { user } = await createUser()
    const response = await postForm(client, '/mailings', {
      name: '',
      audience: 'selected',
      periodicity: 'hourly',
      startAt: '2030-01-02T10:00',
      endAt: '2030-01-01T10:00',
    }).loginAs(user)

    response.assertFlashMessage('inputErrorsBag', {
      name: ['Please fill in the name'],
      messageId: ['Choose the message to send'],
      clientIds: ['Choose at least one client, or send to all clients'],
      periodicity: ['The repeat must be one of: once,daily,weekly,monthly'],
      endAt: ['The end must be after the start'],
    })
  })

  test('a time that is not one is reported beside its field', async ({ client }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant)
    const response = await postForm(client, '/mailings', {
      name: 'Bad times',
      messageId: message.id,
      audience: 'all',
      periodicity: 'once',
      startAt: '2030-02-31T10:00',
      endAt: 'soon',
    }).loginAs(user)

    response.assertFlashMessage('inputErrorsBag', {
      startAt: ['Enter the start as a date and time'],
      endAt: ['Enter the end as a date and time'],
    })
  })

  test("refuses another workspace's message and clients", async ({ client }) => {
    const { user } = await createUser()
    const other = await createUser()
    const foreignMessage = await createMessage(other.tenant)
    const foreignClients = await createClients(other.tenant, 1)

    const response = await postForm(client, '/mailings', {
      name: 'Sneaky',
      messageId: foreignMessage.id,
      audience: 'selected',
      clientIds: [foreignClients[0].id],
      periodicity: 'once',
      startAt: '2030-01-01T10:00',
      endAt: '2030-01-02T10:00',
    }).loginAs(user)

    response.assertFlashMessage('inputErrorsBag', {
      messageId: ['Choose one of your messages'],
      clientIds: ['Some selected clients are not in this workspace'],
    })
  })
})

test.group('Mailings: change', () => {
  test('before its first run everything can change, recipients included', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const mailing = await createMailing(tenant)
    const [chosen] = await createClients(tenant, 1)
    const message = await createMessage(tenant)

    await putForm(client, `/mailings/${mailing.id}`, {
      name: 'Renamed',
      messageId: message.id,
      audience: 'selected',
      clientIds: [chosen.id],
      periodicity: 'weekly',
      startAt: '2031-01-01T10:00',
      endAt: '2031-03-01T10:00',
    }).loginAs(user)

    await mailing.refresh()
    await mailing.load('recipients')
    assert.equal(mailing.name, 'Renamed')
    assert.equal(mailing.messageId, message.id)
    assert.equal(mailing.periodicity, 'weekly')
    assert.deepEqual(
      mailing.recipients.map((c) => c.id),
      [chosen.id]
    )
  })

  test('once started, only the name and the end change, whatever the request says', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const mailing = await createMailing(tenant, {
      status: 'running',
      startAt: DateTime.fromISO('2026-01-01T10:00:00Z'),
      endAt: DateTime.fromISO('2036-01-01T10:00:00Z'),
      periodicity: 'daily',
    })
    const otherMessage = await createMessage(tenant)

    const response = await putForm(client, `/mailings/${mailing.id}`, {
      name: 'Still running',
      messageId: otherMessage.id,
      periodicity: 'once',
      startAt: '2040-01-01T10:00',
      endAt: '2035-06-01T10:00',
    }).loginAs(user)

    response.assertStatus(302)
    const fresh = await Mailing.findOrFail(mailing.id)
    assert.equal(fresh.name, 'Still running')
    assert.equal(fresh.endAt.toUTC().toISO(), '2035-06-01T10:00:00.000Z')
    assert.equal(fresh.messageId, mailing.messageId)
    assert.equal(fresh.periodicity, 'daily')
    assert.equal(fresh.startAt.toUTC().toISO(), '2026-01-01T10:00:00.000Z')
  })

  test('a started mailing whose shortened window leaves no occurrence completes', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const mailing = await createMailing(tenant, {
      status: 'running',
      periodicity: 'daily',
      startAt: DateTime.now().minus({ days: 3, hours: 1 }),
      endAt: DateTime.now().plus({ days: 10 }),
    })

    const response = await putForm(client, `/mailings/${mailing.id}`, {
      name: mailing.name,
      endAt: localInput(DateTime.now().plus({ hours: 1 }), tenant.timeZone),
    }).loginAs(user)

    response.assertStatus(302)
    await mailing.refresh()
    assert.isNull(mailing.nextRunAt)
    assert.equal(mailing.status, 'completed')
  })

  test('a started mailing whose lengthened window has a next occurrence wakes the scheduler for it', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const mailing = await createMailing(tenant, {
      status: 'running',
      periodicity: 'daily',
      startAt: DateTime.now().minus({ days: 3, hours: 1 }),
      endAt: DateTime.now().plus({ hours: 1 }),
    })

    const response = await putForm(client, `/mailings/${mailing.id}`, {
      name: mailing.name,
      endAt: localInput(DateTime.now().plus({ days: 10 }), tenant.timeZone),
    }).loginAs(user)

    response.assertStatus(302)
    await mailing.refresh()
    assert.isNotNull(mailing.nextRunAt)
    const wake = await queue
      .getOrSet('default')
      .getJob(`start-due-runs-at-${mailing.nextRunAt!.toMillis()}`)
    assert.equal(await wake?.getState(), 'delayed')
  })

  test('completed and disabled mailings cannot be edited', async ({ client }) => {
    const { user, tenant } = await createUser()
    for (const status of ['completed', 'disabled'] as const) {
      const mailing = await createMailing(tenant, { status })
      const page = await client.get(`/mailings/${mailing.id}/edit`).loginAs(user)
      page.assertStatus(404)
    }
  })

  test('pause and resume', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const mailing = await createMailing(tenant, {
      status: 'running',
      periodicity: 'daily',
      startAt: DateTime.now().minus({ hours: 1 }),
    })
    mailing.nextRunAt = DateTime.now().plus({ hours: 23 })
    await mailing.save()

    const paused = await postForm(client, `/mailings/${mailing.id}/pause`).loginAs(user)
    paused.assertStatus(302)
    await mailing.refresh()
    assert.equal(mailing.status, 'paused')
    assert.equal(mailing.statusReason, `Paused by ${user.fullName}`)

    const shown = await client.get(`/mailings/${mailing.id}`).loginAs(user)
    shown.assertTextIncludes(`Paused by ${user.fullName}`)

    const again = await postForm(client, `/mailings/${mailing.id}/pause`).loginAs(user)
    again.assertStatus(404)

    await postForm(client, `/mailings/${mailing.id}/resume`).loginAs(user)
    await mailing.refresh()
    assert.equal(mailing.status, 'running')
    assert.isNull(mailing.statusReason)
  })

  test('resuming a mailing whose last run ended while it was paused completes it', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const mailing = await createMailing(tenant, {
      status: 'paused',
      periodicity: 'daily',
      startAt: DateTime.now().minus({ days: 3 }),
      endAt: DateTime.now().plus({ hours: 2 }),
    })
    await MailingRun.create({
      tenantId: tenant.id,
      mailingId: mailing.id,
      occurrenceAt: DateTime.now().minus({ hours: 1 }),
      status: 'completed',
    })

    // No next occurrence before the end and no open run: "running" would
    // never end.
    await postForm(client, `/mailings/${mailing.id}/resume`).loginAs(user)
    await mailing.refresh()
    assert.equal(mailing.status, 'completed')
  })

  test('delete archives the mailing and keeps it out of the list', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const mailing = await createMailing(tenant, { name: 'To be archived' })

    await deleteForm(client, `/mailings/${mailing.id}`).loginAs(user)
    await mailing.refresh()
    assert.isNotNull(mailing.archivedAt)
    assert.isNull(mailing.nextRunAt)

    const list = await client.get('/mailings').loginAs(user)
    assert.notInclude(list.text(), 'To be archived')
    const archived = await client.get('/mailings?status=archived').loginAs(user)
    archived.assertTextIncludes('To be archived')

    const edit = await client.get(`/mailings/${mailing.id}/edit`).loginAs(user)
    edit.assertStatus(404)
  })
})

test.group('Mailings: lists and views', () => {
  test('the list filters by status and shows recipients and next run', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await createClients(tenant, 4)
    await createMailing(tenant, { name: 'Runs daily', status: 'running' })
    await createMailing(tenant, { name: 'Waits', status: 'created' })

    const running = await client.get('/mailings?status=running').loginAs(user)
    running.assertStatus(200)
    running.assertTextIncludes('Runs daily')
    assert.notInclude(running.text(), 'Waits')

    const all = await client.get('/mailings').loginAs(user)
    all.assertTextIncludes('Waits')
    all.assertTextIncludes('>4<')
  })

  test('the count of an all-clients mailing follows the clients added and deleted', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const [first, second] = await createClients(tenant, 3)
    const mailing = await createMailing(tenant, { audience: 'all' })
    // The count is cached: each view below comes after a write through the
    // app, which must make the next view count again.
    const shown = async () => {
      const page = await client.get(`/mailings/${mailing.id}`).loginAs(user)
      const count = /data-testid="recipients-count">\s*([\d,]+) \(all clients/.exec(page.text())
      return count?.[1]
    }
    const dashboard = async () => {
      const page = await client.get('/dashboard').loginAs(user)
      return page.text()
    }

    assert.equal(await shown(), '3')
    assert.include(await dashboard(), '>3<')

    await postForm(client, '/clients', { email: 'added@example.com' }).loginAs(user)
    assert.equal(await shown(), '4')
    assert.include(await dashboard(), '>4<')

    const calls = api(client, await createToken(user))
    const bulk = await calls.post('/clients/bulk', {
      clients: [{ email: 'bulk-1@example.com' }, { email: 'bulk-2@example.com' }],
    })
    bulk.assertStatus(200)
    assert.equal(await shown(), '6')

    await deleteForm(client, `/clients/${first.id}`).loginAs(user)
    assert.equal(await shown(), '5')

    await postForm(client, '/clients/bulk-delete', { ids: [second.id] }).loginAs(user)
    assert.equal(await shown(), '4')
    assert.include(await dashboard(), '>4<')
    const list = await client.get('/mailings').loginAs(user)
    list.assertTextIncludes('>4<')
  })

  test('a page far past the end is empty, whatever the page number', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    for (const name of ['First', 'Second', 'Third']) await createMailing(tenant, { name })

    // Whole numbers all, but 1e300's offset reached the database as 2 (the
    // query builder parses "2.5e+301" to 2) and 1e308's as none (Infinity),
    // showing mailings of page 1 on a page that does not exist.
    for (const page of ['2', '1e300', '1e308']) {
      const response = await client.get(`/mailings?page=${page}`).loginAs(user).redirects(0)
      assert.equal(response.status(), 200, `page=${page}`)
      for (const name of ['First', 'Second', 'Third']) {
        assert.notInclude(response.text(), `>${name}<`, `page=${page}`)
      }
    }
  })

  test('the list pages 25 at a time and keeps its filter', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    for (let i = 0; i < 26; i++) await createMailing(tenant, { status: 'paused' })

    const first = await client.get('/mailings?status=paused').loginAs(user)
    assert.include(first.text(), 'href="/mailings?status=paused&amp;page=2" rel="next"')
    assert.notInclude(first.text(), 'rel="prev"')

    const second = await client.get('/mailings?status=paused&page=2').loginAs(user)
    assert.include(second.text(), 'href="/mailings?status=paused&amp;page=1" rel="prev"')
    assert.include(second.text(), 'Page 2')
    assert.notInclude(second.text(), 'rel="next"')
  })

  test('a bad filter is a 4xx with the field named, not a 500', async ({ client }) => {
    const { user } = await createUser()
    const response = await client.get('/mailings?status=exploded').loginAs(user).redirects(0)
    response.assertStatus(302)
    response.assertFlashMessage('inputErrorsBag', {
      status: ['The status must be one of: created,running,completed,paused,disabled,archived'],
    })
  })

  test("managers and admins see another workspace's mailing read-only; others get 404", async ({
    client,
  }) => {
    const owner = await createUser()
    const mailing = await createMailing(owner.tenant, { name: 'Somebody else’s' })

    for (const role of ['manager', 'admin'] as const) {
      const { user: staff } = await createUser({ role })
      const page = await client.get(`/mailings/${mailing.id}`).loginAs(staff)
      page.assertStatus(200)
      page.assertTextIncludes('(read-only)')
      const edit = await client.get(`/mailings/${mailing.id}/edit`).loginAs(staff)
      edit.assertStatus(404)
      const pause = await postForm(client, `/mailings/${mailing.id}/pause`).loginAs(staff)
      pause.assertStatus(404)
    }

    for (const role of ['user', 'content_manager'] as const) {
      const { user: outsider } = await createUser({ role })
      const page = await client.get(`/mailings/${mailing.id}`).loginAs(outsider)
      page.assertStatus(404)
    }
  })
})

test.group('Workspace settings', () => {
  test('changes the name and time zone; refuses an unknown zone', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const bad = await putForm(client, '/settings/workspace', {
      name: 'Bakery',
      timeZone: 'Mars/Base',
    }).loginAs(user)
    bad.assertFlashMessage('inputErrorsBag', { timeZone: ['Choose a time zone from the list'] })

    await putForm(client, '/settings/workspace', {
      name: 'Bakery',
      timeZone: 'America/New_York',
    }).loginAs(user)
    await tenant.refresh()
    assert.equal(tenant.name, 'Bakery')
    assert.equal(tenant.timeZone, 'America/New_York')
  })
})

test.group('Dashboard', () => {
  test("shows the workspace's numbers and next runs", async ({ client }) => {
    const { user, tenant } = await createUser()
    await createClients(tenant, 3)
    await createMailing(tenant, { name: 'Next up', status: 'created' })
    const mailing = await Mailing.query().where('tenant_id', tenant.id).firstOrFail()
    mailing.nextRunAt = DateTime.now().plus({ hours: 3 })
    await mailing.save()

    const page = await client.get('/dashboard').loginAs(user)
    page.assertStatus(200)
    page.assertTextIncludes('Next up')
    page.assertTextIncludes('>3<')
  })
})
