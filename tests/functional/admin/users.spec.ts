import Membership from '#models/membership'
import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import AuditLog from '#models/audit_log'
import Mailing from '#models/mailing'
import User from '#models/user'
import { createUser, STRONG_PASSWORD } from '#tests/helpers/users'
import { createMailing } from '#tests/helpers/workspace'
import { refute } from '#tests/functional/admin/helpers'
import { postForm, putForm } from '#tests/helpers/forms'

/** A mailing created by `user` in their workspace. */
async function mailingBy(user: User) {
  await user.load('lastTenant')
  const mailing = await createMailing(user.lastTenant)
  mailing.createdById = user.id
  await mailing.save()
  return mailing
}

test.group('Admin: users', () => {
  test('searches by email or name and filters by role, status and workspace', async ({
    client,
  }) => {
    const { user: staff } = await createUser({ role: 'manager' })
    const { tenant } = await createUser({
      fullName: 'Zelda Quartermain',
      email: 'zelda.q@example.org',
    })
    const { user: colleague } = await createUser({ fullName: 'Yorick Quartermain' })
    colleague.merge({ lastTenantId: tenant.id, blockedAt: DateTime.now(), blockedReason: 'Spam' })
    await colleague.save()
    await Membership.create({ tenantId: tenant.id, userId: colleague.id, role: 'editor' })
    await createUser({ role: 'content_manager', fullName: 'Xavier Quartermain' })

    const byName = await client.get('/admin/users?q=quartermain').loginAs(staff)
    byName.assertTextIncludes('Zelda Quartermain')
    byName.assertTextIncludes('Yorick Quartermain')
    byName.assertTextIncludes('Xavier Quartermain')

    const byEmail = await client.get('/admin/users?q=ZELDA.Q@').loginAs(staff)
    byEmail.assertTextIncludes('Zelda Quartermain')
    refute(byEmail, 'Yorick Quartermain')

    const byRole = await client
      .get('/admin/users?q=quartermain&role=content_manager')
      .loginAs(staff)
    byRole.assertTextIncludes('Xavier')
    refute(byRole, 'Zelda Quartermain')

    const blocked = await client.get('/admin/users?q=quartermain&status=blocked').loginAs(staff)
    blocked.assertTextIncludes('Yorick')
    refute(blocked, 'Zelda Quartermain')

    const workspace = await client.get(`/admin/users?workspace=${tenant.id}`).loginAs(staff)
    workspace.assertTextIncludes('Zelda')
    workspace.assertTextIncludes('Yorick')
    refute(workspace, 'Xavier Quartermain')
  })

  test('shows the last log-in and how many mailings each created', async ({ client, assert }) => {
    const { user: staff } = await createUser({ role: 'admin' })
    const { user: author } = await createUser({ fullName: 'Prolific Author' })
    await mailingBy(author)
    await mailingBy(author)
    author.lastLoginAt = DateTime.fromISO('2026-01-15T08:30:00Z')
    await author.save()

    const page = await client.get(`/admin/users?workspace=${author.lastTenantId!}`).loginAs(staff)
    const row = new RegExp(`data-testid="user-row-${author.id}"[\\s\\S]*?</tr>`).exec(
      page.text()
    )?.[0]
    assert.exists(row)
    assert.include(row!, '15 Jan 2026')
    assert.match(row!, /data-testid="mailings-count">2</)
  })

  test('blocking needs a reason; a blocked user is logged out and cannot log in', async ({
    client,
    assert,
  }) => {
    const { user: staff } = await createUser({ role: 'manager' })
    const { user: target } = await createUser()
    await db.table('remember_me_tokens').insert({
      tokenable_id: target.id,
      hash: `hash-${target.id}`,
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
      expires_at: DateTime.now().plus({ days: 30 }).toISO(),
    })
    const before = await client.get('/dashboard').loginAs(target)
    before.assertStatus(200)

    const missing = await postForm(client, `/admin/users/${target.id}/block`, {
      reason: '',
    }).loginAs(staff)
    missing.assertFlashMessage('inputErrorsBag', {
      reason: ['Please give the reason: the owner sees it'],
    })

    const blocked = await postForm(client, `/admin/users/${target.id}/block`, {
      reason: 'Sends spam',
    }).loginAs(staff)
    blocked.assertHeader('location', `/admin/users/${target.id}`)
    await target.refresh()
    assert.equal(target.blockedReason, 'Sends spam')

    const next = await client.get('/dashboard').loginAs(target).redirects(0)
    next.assertHeader('location', '/login')
    const login = await postForm(client, '/login', {
      email: target.email,
      password: STRONG_PASSWORD,
    })
    login.assertHeader('location', '/login')
    const tokens = await db.from('remember_me_tokens').where('tokenable_id', target.id)
    assert.lengthOf(tokens, 0)

    const shown = await client.get(`/admin/users/${target.id}`).loginAs(staff)
    shown.assertTextIncludes('Sends spam')
  })

  test('unblocking lets them back in and is audited', async ({ client, assert }) => {
    const { user: staff } = await createUser({ role: 'manager' })
    const { user: target } = await createUser()
    target.merge({ blockedAt: DateTime.now(), blockedReason: 'Spam' })
    await target.save()

    await postForm(client, `/admin/users/${target.id}/unblock`, {
      reason: 'Cleared after review',
    }).loginAs(staff)
    await target.refresh()
    assert.isNull(target.blockedAt)
    assert.isNull(target.blockedReason)
    const back = await client.get('/dashboard').loginAs(target)
    back.assertStatus(200)

    const entry = await AuditLog.query()
      .where({ subject_type: 'user', subject_id: target.id, action: 'user.unblock' })
      .firstOrFail()
    assert.equal(entry.reason, 'Cleared after review')
  })

  test('a manager sees no block control for staff, nor a role control', async ({ client }) => {
    const { user: staff } = await createUser({ role: 'manager' })
    const { user: colleague } = await createUser({ role: 'admin' })
    const page = await client.get(`/admin/users/${colleague.id}`).loginAs(staff)
    page.assertStatus(200)
    refute(page, 'data-testid="block-form"')
    refute(page, 'data-testid="role-form"')
  })

  test('an admin changes roles (not their own), audited with before and after', async ({
    client,
    assert,
  }) => {
    const { user: admin } = await createUser({ role: 'admin' })
    const { user: target } = await createUser()

    const page = await client.get(`/admin/users/${target.id}`).loginAs(admin)
    page.assertTextIncludes('data-testid="role-form"')
    const own = await client.get(`/admin/users/${admin.id}`).loginAs(admin)
    refute(own, 'data-testid="role-form"')

    await putForm(client, `/admin/users/${target.id}/role`, {
      role: 'content_manager',
    }).loginAs(admin)
    await target.refresh()
    assert.equal(target.role, 'content_manager')

    const invalid = await putForm(client, `/admin/users/${target.id}/role`, {
      role: 'emperor',
    }).loginAs(admin)
    invalid.assertStatus(302)
    await target.refresh()
    assert.equal(target.role, 'content_manager')

    const entry = await AuditLog.query()
      .where({ subject_type: 'user', subject_id: target.id, action: 'user.role_change' })
      .firstOrFail()
    assert.equal(entry.actorId, admin.id)
    assert.deepEqual(entry.details, { from: 'user', to: 'content_manager' })
  })
})

test.group('Admin: audit log', () => {
  test('lists staff actions, filtered by actor, action, subject type and day', async ({
    client,
    assert,
  }) => {
    const { user: admin } = await createUser({ role: 'admin' })
    const { user: mona } = await createUser({ role: 'manager' })
    const { user: target, tenant } = await createUser()
    const mailing = await createMailing(tenant, { name: 'Audited mailing', status: 'running' })

    await postForm(client, `/admin/users/${target.id}/block`, {
      reason: 'Reason one',
    }).loginAs(mona)
    await postForm(client, `/admin/mailings/${mailing.id}/disable`, {
      reason: 'Reason two',
    }).loginAs(admin)

    const all = await client.get('/admin/audit').loginAs(admin)
    all.assertTextIncludes('Reason one')
    all.assertTextIncludes('Reason two')
    all.assertTextIncludes(mona.email)

    const byActor = await client.get(`/admin/audit?actor=${mona.id}`).loginAs(admin)
    byActor.assertTextIncludes('Reason one')
    refute(byActor, 'Reason two')

    const byAction = await client.get('/admin/audit?action=mailing.disable').loginAs(admin)
    byAction.assertTextIncludes('Audited mailing')
    refute(byAction, 'Reason one')

    const bySubject = await client.get('/admin/audit?subject=user').loginAs(admin)
    bySubject.assertTextIncludes('Reason one')
    refute(bySubject, 'Reason two')

    const today = DateTime.utc().toISODate()
    const byDay = await client.get(`/admin/audit?from=${today}&to=${today}`).loginAs(admin)
    byDay.assertTextIncludes('Reason two')
    const before = await client.get('/admin/audit?to=2020-01-01').loginAs(admin)
    refute(before, 'Reason two')

    const stored = await Mailing.findOrFail(mailing.id)
    assert.equal(stored.status, 'disabled')
  })
})
