import { test } from '@japa/runner'
import Tenant from '#models/tenant'
import Membership from '#models/membership'
import Client from '#models/client'
import Tag from '#models/tag'
import User from '#models/user'
import teamsConfig from '#config/teams'
import DeleteWorkspace from '#actions/teams/delete_workspace'
import { actorFor } from '#tests/helpers/actors'
import { createUser } from '#tests/helpers/users'
import { createClients, createMailing } from '#tests/helpers/workspace'
import { deleteForm, postForm, putForm } from '#tests/helpers/forms'

/**
 * A person's workspaces: starting one, landing in the right one, switching
 * by link, forms from another tab, and an owner deleting one.
 */
test.group('Teams: workspaces', () => {
  test('a person starts a second workspace, owns it and lands in it; a link switches back', async ({
    client,
    assert,
  }) => {
    const { user, tenant: first } = await createUser()
    const created = await postForm(client, '/workspaces', {
      name: 'Second Shop',
      timeZone: 'Europe/Berlin',
    }).loginAs(user)
    created.assertHeader('location', '/dashboard')
    const second = await Tenant.findByOrFail('name', 'Second Shop')
    const membership = await Membership.query()
      .where({ tenantId: second.id, userId: user.id })
      .firstOrFail()
    assert.equal(membership.role, 'owner')
    await user.refresh()
    assert.equal(user.lastTenantId, second.id)

    // Without a session of its own, the request lands where the person was last.
    const landed = await client.get('/dashboard').loginAs(user)
    landed.assertTextIncludes('Second Shop')
    const switcher = /data-testid="workspace-list"[\s\S]*?<\/ul>/.exec(landed.text())?.[0] ?? ''
    assert.include(switcher, `?workspace=${first.id}"`)
    assert.include(switcher, `?workspace=${second.id}"`)
    assert.include(switcher, 'Second Shop')

    const back = await client.get(`/dashboard?workspace=${first.id}`).loginAs(user)
    back.assertStatus(200)
    await user.refresh()
    assert.equal(user.lastTenantId, first.id)
  })

  test('a link naming a workspace the person is not in answers 404, malformed ones too', async ({
    client,
  }) => {
    const { user } = await createUser()
    const { tenant: other } = await createUser()
    for (const named of [String(other.id), 'abc', '0', '99999999999', '']) {
      const response = await client.get(`/clients?workspace=${named}`).loginAs(user)
      response.assertStatus(404)
    }
  })

  test('bad names are refused beside the field; owning is capped', async ({ client, assert }) => {
    const { user } = await createUser()
    const blank = await postForm(client, '/workspaces', { name: ' ', timeZone: 'UTC' })
      .loginAs(user)
      .header('referer', '/workspaces/new')
    blank.assertHeader('location', '/workspaces/new')
    blank.assertFlashMessage('inputErrorsBag', {
      name: ['The name must be at least 2 characters long'],
    })

    for (let i = 1; i < teamsConfig.maxOwnedWorkspaces; i++) {
      await postForm(client, '/workspaces', { name: `Shop ${i}`, timeZone: 'UTC' }).loginAs(user)
    }
    const owned = () => Membership.query().where({ userId: user.id, role: 'owner' })
    assert.lengthOf(await owned(), teamsConfig.maxOwnedWorkspaces)
    const over = await postForm(client, '/workspaces', { name: 'One too many', timeZone: 'UTC' })
      .loginAs(user)
      .header('referer', '/workspaces/new')
    over.assertFlashMessage('inputErrorsBag', {
      name: [
        `You own ${teamsConfig.maxOwnedWorkspaces} workspaces, the most one person may. Delete one or hand it over first.`,
      ],
    })
    assert.lengthOf(await owned(), teamsConfig.maxOwnedWorkspaces)
  })

  test('a person in no workspace is sent to start one, and keeps their account settings', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await Membership.query().where({ tenantId: tenant.id, userId: user.id }).delete()
    const response = await client.get('/clients').loginAs(user).redirects(0)
    response.assertHeader('location', '/workspaces/new')
    const page = await client.get('/workspaces/new').loginAs(user)
    page.assertTextIncludes('You are not a member of any workspace now')

    // Their own account stays in reach: profile, password, sessions, two-factor.
    for (const url of ['/settings/profile', '/settings/sessions', '/settings/security']) {
      const account = await client.get(url).loginAs(user)
      account.assertStatus(200)
    }
    const renamed = await putForm(client, '/settings/profile', {
      fullName: 'Still Here',
      email: user.email,
    }).loginAs(user)
    renamed.assertHeader('location', '/settings/profile')
    await user.refresh()
    assert.equal(user.fullName, 'Still Here')
  })

  test('a form from a tab of another workspace is refused and changes nothing', async ({
    client,
    assert,
  }) => {
    const { user, tenant: first } = await createUser()
    const { tenant: second } = await createUser()
    await Membership.create({ tenantId: second.id, userId: user.id, role: 'editor' })

    // The session is in the second workspace; the form was rendered in the first.
    const response = await postForm(client, '/clients', {
      email: 'stale-tab@example.com',
      fullName: 'Stale Tab',
      _workspace: String(first.id),
    })
      .loginAs(user)
      .withSession({ workspace_id: second.id })
      .header('referer', '/clients/create')
    response.assertHeader('location', '/clients/create')
    response.assertFlashMessage(
      'error',
      `That form was for another workspace than ${second.name}, which you switched to since. Nothing was changed; please try again here.`
    )
    assert.isNull(await Client.findBy('email', 'stale-tab@example.com'))

    const page = await client.get('/clients/create').loginAs(user)
    page.assertTextIncludes(`name='_workspace' value='${first.id}'`)
  })

  test('an owner deletes the workspace with everything in it; members keep their accounts', async ({
    client,
    assert,
  }) => {
    const { user: owner, tenant } = await createUser()
    const { user: colleague, tenant: colleagueOwn } = await createUser()
    await Membership.create({ tenantId: tenant.id, userId: colleague.id, role: 'editor' })
    colleague.lastTenantId = tenant.id
    await colleague.save()
    await createClients(tenant, 3)
    const tag = await Tag.create({ tenantId: tenant.id, name: 'VIP', nameKey: 'vip' })
    const mailing = await createMailing(tenant)
    await mailing.related('tags').attach([tag.id])

    const wrong = await deleteForm(client, '/settings/workspace', { confirmation: 'nope' })
      .loginAs(owner)
      .header('referer', '/settings/workspace')
    wrong.assertFlashMessage('inputErrorsBag', {
      confirmation: [`Type the workspace's name, ${tenant.name}, to delete it.`],
    })
    assert.isNotNull(await Tenant.find(tenant.id))

    const deleted = await deleteForm(client, '/settings/workspace', { confirmation: tenant.name })
      .loginAs(owner)
      .withSession({ workspace_id: tenant.id })
    deleted.assertHeader('location', '/dashboard')
    assert.isNull(await Tenant.find(tenant.id))
    assert.lengthOf(await Client.query().where('tenantId', tenant.id), 0)
    assert.isNotNull(await User.find(owner.id))
    assert.isNotNull(await User.find(colleague.id))

    // The colleague lands in their own workspace on their next request.
    await colleague.refresh()
    assert.isNull(colleague.lastTenantId)
    const next = await client.get('/dashboard').loginAs(colleague)
    next.assertTextIncludes(`name='_workspace' value='${colleagueOwn.id}'`)
    // The owner had no other workspace: they are asked to start one.
    const ownerNext = await client.get('/dashboard').loginAs(owner).redirects(0)
    ownerNext.assertHeader('location', '/workspaces/new')
  })

  test('only an owner may delete the workspace', async ({ client, assert }) => {
    const { tenant } = await createUser()
    for (const role of ['admin', 'editor', 'viewer'] as const) {
      const { user } = await createUser()
      await Membership.create({ tenantId: tenant.id, userId: user.id, role })
      const response = await deleteForm(client, '/settings/workspace', {
        confirmation: tenant.name,
      })
        .loginAs(user)
        .withSession({ workspace_id: tenant.id })
      response.assertStatus(403)
      assert.isNotNull(await Tenant.find(tenant.id))
    }
  })

  test('an owner demoted while their delete was on its way deletes nothing', async ({ assert }) => {
    const { user: owner, tenant } = await createUser()
    const { user: other } = await createUser()
    await Membership.create({ tenantId: tenant.id, userId: other.id, role: 'owner' })
    await Membership.query()
      .where({ tenantId: tenant.id, userId: owner.id })
      .update({ role: 'admin' })
    await assert.rejects(
      () => DeleteWorkspace.handle(actorFor(owner), tenant, tenant.name),
      /This needs the owner role in this workspace, and yours is admin now/
    )
    assert.isNotNull(await Tenant.find(tenant.id))
  })

  test('a member may leave a workspace that requires two-factor without turning it on', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    tenant.requireTwoFactor = true
    await tenant.save()
    const { user: editor } = await createUser()
    await Membership.create({ tenantId: tenant.id, userId: editor.id, role: 'editor' })
    const left = await postForm(client, '/settings/members/leave', {})
      .loginAs(editor)
      .withSession({ workspace_id: tenant.id })
    assert.notEqual(left.header('location'), '/settings/security')
    assert.isNull(
      await Membership.query().where({ tenantId: tenant.id, userId: editor.id }).first()
    )
  })
})
