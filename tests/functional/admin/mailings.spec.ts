import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import AuditLog from '#models/audit_log'
import Mailing from '#models/mailing'
import MailingRun from '#models/mailing_run'
import { createUser } from '#tests/helpers/users'
import { createMailing } from '#tests/helpers/workspace'
import { refute } from '#tests/functional/admin/helpers'
import { waitUntil } from '#tests/helpers/wait'
import { postForm, submitForm } from '#tests/helpers/forms'

const manager = async () => {
  const { user } = await createUser({ role: 'manager', fullName: 'Mona Manager' })
  return user
}

const disable = (client: any, mailingId: number, actor: any, reason: string) =>
  postForm(client, `/admin/mailings/${mailingId}/disable`, { reason }).loginAs(actor)

test.group('Admin: all mailings', () => {
  test('lists every workspace, filtered by workspace, status and creation day', async ({
    client,
  }) => {
    const staff = await manager()
    const { tenant: acme } = await createUser()
    const { tenant: globex } = await createUser()
    await createMailing(acme, { name: 'Acme running', status: 'running' })
    await createMailing(acme, { name: 'Acme scheduled' })
    const old = await createMailing(globex, { name: 'Globex old' })
    old.createdAt = DateTime.fromISO('2020-03-01T12:00:00Z')
    await old.save()

    const all = await client.get('/admin/mailings').loginAs(staff)
    all.assertStatus(200)
    all.assertTextIncludes('Acme running')
    all.assertTextIncludes('Globex old')

    const byWorkspace = await client.get(`/admin/mailings?workspace=${acme.id}`).loginAs(staff)
    byWorkspace.assertTextIncludes('Acme scheduled')
    refute(byWorkspace, 'Globex old')

    const running = await client
      .get(`/admin/mailings?workspace=${acme.id}&status=running`)
      .loginAs(staff)
    running.assertTextIncludes('Acme running')
    refute(running, 'Acme scheduled')

    const inMarch2020 = await client
      .get('/admin/mailings?from=2020-03-01&to=2020-03-01')
      .loginAs(staff)
    inMarch2020.assertTextIncludes('Globex old')
    refute(inMarch2020, 'Acme running')
  })

  test('pages with a cursor, newest first, keeping the filters', async ({ client, assert }) => {
    const staff = await manager()
    const { tenant } = await createUser()
    for (let i = 1; i <= 51; i++) await createMailing(tenant, { name: `Bulk ${i}.` })

    const first = await client.get(`/admin/mailings?workspace=${tenant.id}`).loginAs(staff)
    first.assertTextIncludes('Bulk 51.')
    refute(first, 'Bulk 1.<')
    const next = /href="([^"]*after=\d+)"/.exec(first.text())?.[1]
    assert.exists(next)
    assert.include(next!, `workspace=${tenant.id}`)

    const second = await client.get(next!.replaceAll('&amp;', '&')).loginAs(staff)
    second.assertTextIncludes('Bulk 1.')
    refute(second, 'Bulk 2.')
  })

  test("shows another workspace's mailing read-only, without the owner's controls", async ({
    client,
  }) => {
    const staff = await manager()
    const { tenant } = await createUser()
    const mailing = await createMailing(tenant, { name: 'Their mailing', status: 'running' })

    for (const url of [`/admin/mailings/${mailing.id}`, `/mailings/${mailing.id}`]) {
      const page = await client.get(url).loginAs(staff)
      page.assertStatus(200)
      page.assertTextIncludes('Their mailing')
      page.assertTextIncludes('All runs')
      for (const control of ['>Edit<', '>Pause<', '>Delete<', 'Send a test to me']) {
        refute(page, control)
      }
    }
  })

  test('disabling needs a reason, shown beside the field', async ({ client, assert }) => {
    const staff = await manager()
    const { tenant } = await createUser()
    const mailing = await createMailing(tenant, { status: 'running' })

    const response = await disable(client, mailing.id, staff, '')
    response.assertStatus(302)
    response.assertFlashMessage('inputErrorsBag', {
      reason: ['Please give the reason: the owner sees it'],
    })
    await mailing.refresh()
    assert.equal(mailing.status, 'running')
  })

  test('the owner sees who disabled it, when and why, and cannot resume or edit it', async ({
    client,
    assert,
  }) => {
    const staff = await manager()
    const { user: owner, tenant } = await createUser()
    const mailing = await createMailing(tenant, {
      status: 'running',
      startAt: DateTime.now().minus({ hours: 1 }),
    })

    const response = await disable(client, mailing.id, staff, 'Phishing links')
    response.assertHeader('location', `/admin/mailings/${mailing.id}`)
    await mailing.refresh()
    assert.equal(mailing.status, 'disabled')
    assert.equal(mailing.statusChangedById, staff.id)

    const page = await client.get(`/mailings/${mailing.id}`).loginAs(owner)
    page.assertTextIncludes('Disabled</strong> by Mona Manager on ')
    page.assertTextIncludes(': Phishing links')
    refute(page, '>Resume<')
    refute(page, '>Edit<')

    for (const [method, url] of [
      ['post', `/mailings/${mailing.id}/resume`],
      ['get', `/mailings/${mailing.id}/edit`],
      ['post', `/mailings/${mailing.id}/pause`],
    ] as const) {
      const refused = await submitForm(client, method, url).loginAs(owner)
      refused.assertStatus(404)
    }
    await mailing.refresh()
    assert.equal(mailing.status, 'disabled')

    const entry = await AuditLog.query()
      .where({ subject_type: 'mailing', subject_id: mailing.id })
      .firstOrFail()
    assert.equal(entry.action, 'mailing.disable')
    assert.equal(entry.actorId, staff.id)
    assert.equal(entry.reason, 'Phishing links')
    assert.deepEqual(entry.details, { previousStatus: 'running', tenantId: tenant.id })
  })

  test('enabling puts it back where it was: scheduled, or running with its run', async ({
    client,
    assert,
  }) => {
    const staff = await manager()
    const { tenant } = await createUser()
    const future = await createMailing(tenant, { status: 'created' })
    future.nextRunAt = future.startAt
    await future.save()
    const started = await createMailing(tenant, {
      status: 'running',
      periodicity: 'daily',
      startAt: DateTime.now().minus({ hours: 1 }),
    })
    started.nextRunAt = DateTime.now().plus({ days: 1 })
    await started.save()
    const run = await MailingRun.create({
      tenantId: tenant.id,
      mailingId: started.id,
      occurrenceAt: DateTime.now().minus({ hours: 1 }),
      status: 'running',
    })

    for (const mailing of [future, started]) {
      await disable(client, mailing.id, staff, 'Checking a complaint')
      const enabled = await postForm(client, `/admin/mailings/${mailing.id}/enable`).loginAs(staff)
      enabled.assertStatus(302)
    }

    await future.refresh()
    await started.refresh()
    assert.equal(future.status, 'created')
    assert.equal(started.status, 'running')
    assert.isNull(started.statusReason)
    // Its run went on (and closed at once: it had no delivery left to send).
    await waitUntil('the resumed run to close', async () => {
      await run.refresh()
      return run.status === 'completed'
    })

    const actions = await AuditLog.query()
      .where('subject_type', 'mailing')
      .whereIn('subject_id', [future.id, started.id])
      .orderBy('id')
    assert.deepEqual(
      actions.map((entry) => entry.action),
      ['mailing.disable', 'mailing.enable', 'mailing.disable', 'mailing.enable']
    )
  })

  test('a finished or deleted mailing cannot be disabled', async ({ client, assert }) => {
    const staff = await manager()
    const { tenant } = await createUser()
    const completed = await createMailing(tenant, { status: 'completed' })
    const archived = await createMailing(tenant, { status: 'created' })
    archived.archivedAt = DateTime.now()
    await archived.save()

    for (const mailing of [completed, archived]) {
      const response = await disable(client, mailing.id, staff, 'Too late')
      response.assertStatus(404)
      const stored = await Mailing.findOrFail(mailing.id)
      assert.notEqual(stored.status, 'disabled')
    }
  })

  test("days that are no day, or out of the database's range, are refused, never a 500", async ({
    client,
    assert,
  }) => {
    const staff = await manager()
    for (const from of ['2026-02-30', '0000-01-01', '0001-01-01', '9999-99-99']) {
      const response = await client.get(`/admin/mailings?from=${from}`).loginAs(staff).redirects(0)
      assert.isBelow(response.status(), 500, from)
      assert.notEqual(response.status(), 200, `${from} is refused`)
    }
  })
})
