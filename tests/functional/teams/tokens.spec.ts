import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Membership from '#models/membership'
import User from '#models/user'
import type Tenant from '#models/tenant'
import WorkspaceAuditLog from '#models/workspace_audit_log'
import type { WorkspaceRole } from '#teams/workspace_roles'
import { createUser } from '#tests/helpers/users'
import { deleteForm, postForm } from '#tests/helpers/forms'

/**
 * Settings → API tokens with teams (issue 16): a token is made for the
 * workspace the member acts in and listed there only; admins see and
 * revoke every member's tokens of the workspace; a member cannot give a
 * token an ability their role refuses.
 */

async function memberOf(tenant: Tenant, role: WorkspaceRole, fullName?: string) {
  const { user } = await createUser({ fullName })
  await Membership.create({ tenantId: tenant.id, userId: user.id, role })
  user.lastTenantId = tenant.id
  await user.save()
  return user
}

async function tokenFor(user: User, tenant: Tenant, name: string) {
  const token = await User.accessTokens.create(user, ['clients:read'], {
    name,
    tenantId: tenant.id,
  })
  return Number(token.identifier)
}

const tokenRow = (id: number) => db.from('auth_access_tokens').where('id', id).first()

test.group('Teams: API tokens per workspace', () => {
  test('a token is made for the workspace the member acts in', async ({ client, assert }) => {
    const { user, tenant: own } = await createUser()
    const { tenant: other } = await createUser()
    await Membership.create({ tenantId: other.id, userId: user.id, role: 'editor' })

    const response = await postForm(client, `/settings/tokens?workspace=${other.id}`, {
      name: 'For the other one',
      abilities: ['clients:write'],
      expiresIn: '30',
    }).loginAs(user)

    response.assertStatus(302)
    const row = await db
      .from('auth_access_tokens')
      .where({ tokenable_id: user.id, name: 'For the other one' })
      .firstOrFail()
    assert.equal(Number(row.tenant_id), other.id)
    assert.notEqual(Number(row.tenant_id), own.id)
    const entry = await WorkspaceAuditLog.query()
      .where({ tenant_id: other.id, action: 'token.create' })
      .firstOrFail()
    assert.equal(entry.actorId, user.id)
  })

  test('the page lists the member’s own tokens of this workspace only', async ({
    client,
    assert,
  }) => {
    const { user, tenant: own } = await createUser()
    const { tenant: other } = await createUser()
    await Membership.create({ tenantId: other.id, userId: user.id, role: 'editor' })
    await tokenFor(user, own, 'Token of my own workspace')
    await tokenFor(user, other, 'Token of the other workspace')
    const colleague = await memberOf(other, 'editor')
    await tokenFor(colleague, other, 'Colleague token')

    const inOther = await client.get(`/settings/tokens?workspace=${other.id}`).loginAs(user)
    inOther.assertStatus(200)
    assert.include(inOther.text(), 'Token of the other workspace')
    assert.notInclude(inOther.text(), 'Token of my own workspace')
    assert.notInclude(inOther.text(), 'Colleague token')
    assert.notInclude(inOther.text(), 'data-testid="members-tokens"')

    const inOwn = await client.get(`/settings/tokens?workspace=${own.id}`).loginAs(user)
    assert.include(inOwn.text(), 'Token of my own workspace')
    assert.notInclude(inOwn.text(), 'Token of the other workspace')
  })

  test('admins see every member’s tokens of the workspace, with member, abilities and last use', async ({
    client,
    assert,
  }) => {
    const { user: owner, tenant } = await createUser()
    const admin = await memberOf(tenant, 'admin')
    const editor = await memberOf(tenant, 'editor', 'Edith Editor')
    await tokenFor(editor, tenant, 'Edith sync')
    const { tenant: elsewhere } = await createUser()
    await Membership.create({ tenantId: elsewhere.id, userId: editor.id, role: 'owner' })
    await tokenFor(editor, elsewhere, 'Edith elsewhere')

    for (const viewer of [owner, admin]) {
      const page = await client.get('/settings/tokens').loginAs(viewer)
      page.assertStatus(200)
      assert.include(page.text(), 'data-testid="members-tokens"')
      assert.include(page.text(), 'Edith sync')
      assert.include(page.text(), 'Edith Editor')
      assert.include(page.text(), editor.email)
      assert.include(page.text(), 'clients:read')
      assert.notInclude(page.text(), 'Edith elsewhere')
    }
  })

  test('admins revoke any member’s token of the workspace; others only their own', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const admin = await memberOf(tenant, 'admin')
    const editor = await memberOf(tenant, 'editor')
    const viewer = await memberOf(tenant, 'viewer')

    // An editor cannot revoke a colleague's token (404), nor can a viewer.
    const adminToken = await tokenFor(admin, tenant, 'Admin token')
    for (const member of [editor, viewer]) {
      const refused = await deleteForm(client, `/settings/tokens/${adminToken}`).loginAs(member)
      refused.assertStatus(404)
    }
    assert.exists(await tokenRow(adminToken))

    // A viewer revokes their own.
    const viewerToken = await tokenFor(viewer, tenant, 'Viewer token')
    const own = await deleteForm(client, `/settings/tokens/${viewerToken}`).loginAs(viewer)
    own.assertStatus(302)
    assert.notExists(await tokenRow(viewerToken))

    // The admin revokes the editor's, and it is in the audit log.
    const editorToken = await tokenFor(editor, tenant, 'Editor token')
    const revoked = await deleteForm(client, `/settings/tokens/${editorToken}`).loginAs(admin)
    revoked.assertStatus(302)
    assert.notExists(await tokenRow(editorToken))
    const entry = await WorkspaceAuditLog.query()
      .where({ tenant_id: tenant.id, action: 'token.revoke' })
      .where('subject_id', editorToken)
      .firstOrFail()
    assert.equal(entry.actorId, admin.id)

    // But not a token the editor made for another workspace.
    const { tenant: elsewhere } = await createUser()
    await Membership.create({ tenantId: elsewhere.id, userId: editor.id, role: 'owner' })
    const elsewhereToken = await tokenFor(editor, elsewhere, 'Elsewhere')
    const foreign = await deleteForm(client, `/settings/tokens/${elsewhereToken}`).loginAs(admin)
    foreign.assertStatus(404)
    assert.exists(await tokenRow(elsewhereToken))

    // Nor an owner's: that is the owners' to do, as the owner is.
    const coOwner = await memberOf(tenant, 'owner')
    const ownerToken = await tokenFor(coOwner, tenant, 'Owner token')
    const notTheirs = await deleteForm(client, `/settings/tokens/${ownerToken}`).loginAs(admin)
    notTheirs.assertStatus(404)
    assert.exists(await tokenRow(ownerToken))
  })

  test('abilities the member’s role cannot use are refused beside the field', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const cases: Array<[WorkspaceRole, string[], string]> = [
      [
        'viewer',
        ['clients:read', 'clients:write', 'mailings:write'],
        'Your role in this workspace (viewer) cannot use clients:write, mailings:write: untick them',
      ],
      [
        'editor',
        ['clients:write', 'webhooks:manage'],
        'Your role in this workspace (editor) cannot use webhooks:manage: untick it',
      ],
    ]
    for (const [role, abilities, message] of cases) {
      const member = await memberOf(tenant, role)
      const response = await postForm(client, '/settings/tokens', {
        name: 'Too strong',
        abilities,
        expiresIn: '30',
      }).loginAs(member)
      response.assertStatus(302)
      response.assertFlashMessage('inputErrorsBag', { abilities: [message] })
      assert.notExists(await db.from('auth_access_tokens').where('tokenable_id', member.id).first())
    }

    // The form marks them, and an admin may tick every one.
    const viewer = await memberOf(tenant, 'viewer')
    const page = await client.get('/settings/tokens').loginAs(viewer)
    assert.include(page.text(), 'data-testid="beyond-role-clients:write"')
    assert.notInclude(page.text(), 'data-testid="beyond-role-clients:read"')
    const admin = await memberOf(tenant, 'admin')
    const allowed = await postForm(client, '/settings/tokens', {
      name: 'Everything',
      abilities: ['clients:write', 'webhooks:manage'],
      expiresIn: 'never',
    }).loginAs(admin)
    allowed.assertStatus(302)
    assert.exists(await db.from('auth_access_tokens').where('tokenable_id', admin.id).first())
  })

  test('the error shows beside the abilities on the page', async ({ client, assert }) => {
    const { tenant } = await createUser()
    const viewer = await memberOf(tenant, 'viewer')
    const page = await postForm(client, '/settings/tokens', {
      name: 'Too strong',
      abilities: ['messages:write'],
      expiresIn: '30',
    })
      .header('referer', '/settings/tokens')
      .loginAs(viewer)
      .redirects(1)
    page.assertStatus(200)
    assert.match(page.text(), /data-testid="error-abilities">[^<]*cannot use messages:write/)
  })
})
