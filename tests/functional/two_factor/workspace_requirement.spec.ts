import { test } from '@japa/runner'
import Tenant from '#models/tenant'
import User from '#models/user'
import Membership from '#models/membership'
import { createUser, STRONG_PASSWORD } from '#tests/helpers/users'
import { postForm, putForm } from '#tests/helpers/forms'
import { createToken } from '#tests/helpers/api'
import {
  FIXED_TIME,
  codeAt,
  enrol,
  freezeTwoFactorClock,
  releaseTwoFactorClock,
} from '#tests/helpers/two_factor'
import { openSecret } from '#two_factor/totp'
import { flashMessages } from '#services/http/flash_messages'
import { problemMessages } from '#api/problem_messages'

/** An owner whose workspace requires two-factor, and an editor of it without. */
async function requiringWorkspace() {
  const { user: owner, tenant } = await createUser()
  tenant.requireTwoFactor = true
  await tenant.save()
  const { user: editor } = await createUser()
  await Membership.create({ tenantId: tenant.id, userId: editor.id, role: 'editor' })
  editor.lastTenantId = tenant.id
  await editor.save()
  return { owner, tenant, editor }
}

test.group('Workspace setting: members must use two-factor log-in', (group) => {
  group.each.setup(() => {
    freezeTwoFactorClock()
    return () => releaseTwoFactorClock()
  })

  test('an admin turns it on and off on Settings → Workspace', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const page = await client.get('/settings/workspace').loginAs(user)
    page.assertTextIncludes('Members must use two-factor log-in')

    // Not before they use it themselves: they would be shut out of this page.
    const early = await putForm(client, '/settings/workspace', {
      name: tenant.name,
      timeZone: tenant.timeZone,
      requireTwoFactor: 'true',
    }).loginAs(user)
    early.assertFlashMessage('inputErrorsBag', {
      requireTwoFactor: [flashMessages.twoFactor.adminFirst],
    })
    const unchanged = await Tenant.findOrFail(tenant.id)
    assert.isFalse(unchanged.requireTwoFactor)

    await enrol(user)
    const on = await putForm(client, '/settings/workspace', {
      name: tenant.name,
      timeZone: tenant.timeZone,
      requireTwoFactor: 'true',
    }).loginAs(user)
    on.assertHeader('location', '/settings/workspace')
    const reloaded1 = await Tenant.findOrFail(tenant.id)
    assert.isTrue(reloaded1.requireTwoFactor)

    // Unticked, the box is absent from the form.
    await putForm(client, '/settings/workspace', {
      name: tenant.name,
      timeZone: tenant.timeZone,
    }).loginAs(user)
    const reloaded2 = await Tenant.findOrFail(tenant.id)
    assert.isFalse(reloaded2.requireTwoFactor)
  })

  test('an editor cannot change it', async ({ client, assert }) => {
    const { tenant } = await createUser()
    const { user: editor } = await createUser()
    await Membership.create({ tenantId: tenant.id, userId: editor.id, role: 'editor' })
    const response = await putForm(client, `/settings/workspace?workspace=${tenant.id}`, {
      name: tenant.name,
      timeZone: tenant.timeZone,
      requireTwoFactor: 'true',
    }).loginAs(editor)
    // Refused as every workspace action beyond one's role is: not found.
    response.assertStatus(403)
    const unchanged = await Tenant.findOrFail(tenant.id)
    assert.isFalse(unchanged.requireTwoFactor)
  })

  test('a member without two-factor is sent to set it up, then works after enrolling', async ({
    client,
    assert,
  }) => {
    const { tenant, editor } = await requiringWorkspace()

    for (const url of ['/dashboard', '/clients', '/messages/create', '/settings/workspace']) {
      const response = await client.get(url).loginAs(editor).redirects(0)
      response.assertHeader('location', '/settings/security')
      response.assertFlashMessage('error', flashMessages.twoFactor.requiredBy(tenant.name))
    }
    const post = await postForm(client, '/messages', { subject: 'Hi', bodyText: 'Hello' }).loginAs(
      editor
    )
    post.assertHeader('location', '/settings/security')

    // Their own account's pages stay open: no loop.
    for (const url of ['/settings/security', '/settings/profile', '/settings/sessions']) {
      const response = await client.get(url).loginAs(editor).redirects(0)
      response.assertStatus(200)
    }
    const logout = await postForm(client, '/logout').loginAs(editor)
    logout.assertHeader('location', '/')

    // Setting it up from there.
    const started = await postForm(client, '/settings/security/two-factor', {
      password: STRONG_PASSWORD,
    }).loginAs(editor)
    started.assertHeader('location', '/settings/security')
    const enrolling = await User.findOrFail(editor.id)
    const secret = openSecret(enrolling.twoFactorSecret)!
    const confirmed = await postForm(client, '/settings/security/two-factor/confirm', {
      code: await codeAt(secret, FIXED_TIME),
    }).loginAs(editor)
    confirmed.assertFlashMessage('success', flashMessages.twoFactor.enabled)

    const fresh = await User.findOrFail(editor.id)
    const dashboard = await client.get('/dashboard').loginAs(fresh).redirects(0)
    dashboard.assertStatus(200)
    assert.isTrue(fresh.hasTwoFactor)
  })

  test('their other workspaces, which do not require it, stay open', async ({ client }) => {
    const { editor } = await requiringWorkspace()
    const own = await Membership.query()
      .where('user_id', editor.id)
      .whereNot('role', 'editor')
      .firstOrFail()
    const response = await client
      .get(`/dashboard?workspace=${own.tenantId}`)
      .loginAs(editor)
      .redirects(0)
    response.assertStatus(200)
  })

  test("a member's API token is refused until they turn it on, then works", async ({ client }) => {
    const { editor } = await requiringWorkspace()
    const token = await createToken(editor)
    const refused = await client.get('/api/v1/me').bearerToken(token)
    refused.assertStatus(403)
    refused.assertBodyContains({ detail: problemMessages.twoFactor.requiredForTokens })

    await enrol(editor)
    const allowed = await client.get('/api/v1/me').bearerToken(token)
    allowed.assertStatus(200)
  })
})
