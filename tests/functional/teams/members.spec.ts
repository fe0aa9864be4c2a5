import { test } from '@japa/runner'
import RemoveMember from '#actions/teams/remove_member'
import { actorFor } from '#tests/helpers/actors'
import db from '@adonisjs/lucid/services/db'
import Membership from '#models/membership'
import User from '#models/user'
import { postForm, putForm, deleteForm } from '#tests/helpers/forms'
import { createUser } from '#tests/helpers/users'
import { api, createToken } from '#tests/helpers/api'
import { WORKSPACE_SESSION_KEY } from '#teams/memberships'
import type { WorkspaceRole } from '#teams/workspace_roles'
import { TeamRuleError } from '#teams/team_rule_error'
import ChangeMemberRole from '#actions/teams/change_member_role'
import { addMember, auditActionsOf, createInvitation, ownersOf, roleIn } from './team_helpers.js'

const tokensOf = async (userId: number, tenantId: number) => {
  const rows = await db
    .from('auth_access_tokens')
    .where('tokenable_id', userId)
    .where('tenant_id', tenantId)
  return rows.length
}

test.group('Members', () => {
  test('every member sees the list; only admins and owners see invitations and forms', async ({
    client,
  }) => {
    const { user: owner, tenant } = await createUser()
    const { invitation } = await createInvitation(tenant)
    const roles: [WorkspaceRole, boolean][] = [
      ['viewer', false],
      ['editor', false],
      ['admin', true],
    ]
    for (const [role, manages] of roles) {
      const { user } = await addMember(tenant, role)
      const page = await client.get('/settings/members').loginAs(user)
      page.assertStatus(200)
      page.assertTextIncludes(owner.email)
      page.assertTextIncludes('Leave workspace')
      if (manages) {
        page.assertTextIncludes('data-testid="invite-form"')
        page.assertTextIncludes(invitation.email)
      } else {
        if (
          page.text().includes('data-testid="invite-form"') ||
          page.text().includes(invitation.email)
        ) {
          throw new Error(`A ${role} sees the invite form or the invitations`)
        }
      }
    }
  })

  test('an owner sees every form, hand-over included', async ({ client }) => {
    const { user: owner, tenant } = await createUser()
    const { user: editor } = await addMember(tenant, 'editor')
    const { invitation } = await createInvitation(tenant, { role: 'admin' })
    const page = await client.get('/settings/members').loginAs(owner)
    page.assertStatus(200)
    page.assertTextIncludes(editor.email)
    page.assertTextIncludes(invitation.email)
    page.assertTextIncludes('Hand over ownership')
    page.assertTextIncludes('<option value="owner"')
    page.assertTextIncludes('Remove')
  })

  test('viewers and editors cannot invite, change roles, remove or revoke (403, no effect)', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const { membership: target } = await addMember(tenant, 'viewer')
    const { invitation } = await createInvitation(tenant)
    for (const role of ['viewer', 'editor'] as const) {
      const { user } = await addMember(tenant, role)
      const invite = await postForm(client, '/settings/members/invitations', {
        email: `nope-${role}@example.com`,
        role: 'viewer',
      }).loginAs(user)
      invite.assertStatus(403)
      const change = await putForm(client, `/settings/members/${target.id}`, {
        role: 'admin',
      }).loginAs(user)
      change.assertStatus(403)
      const remove = await deleteForm(client, `/settings/members/${target.id}`).loginAs(user)
      remove.assertStatus(403)
      const revoke = await deleteForm(
        client,
        `/settings/members/invitations/${invitation.id}`
      ).loginAs(user)
      revoke.assertStatus(403)
    }
    assert.equal(await roleIn(tenant.id, target.userId), 'viewer')
    await invitation.refresh()
    assert.isNull(invitation.revokedAt)
    assert.deepEqual(await auditActionsOf(tenant.id), [])
  })

  test('an admin manages members but not owners', async ({ client, assert }) => {
    const { user: owner, tenant } = await createUser()
    const { user: admin } = await addMember(tenant, 'admin')
    const { membership: editor } = await addMember(tenant, 'editor')
    const ownerMembership = await Membership.query()
      .where('tenantId', tenant.id)
      .where('userId', owner.id)
      .firstOrFail()

    const demoteOwner = await putForm(client, `/settings/members/${ownerMembership.id}`, {
      role: 'viewer',
    }).loginAs(admin)
    demoteOwner.assertStatus(403)
    const removeOwner = await deleteForm(client, `/settings/members/${ownerMembership.id}`).loginAs(
      admin
    )
    removeOwner.assertStatus(403)
    const makeOwner = await putForm(client, `/settings/members/${editor.id}`, {
      role: 'owner',
    }).loginAs(admin)
    makeOwner.assertStatus(403)
    const inviteOwner = await postForm(client, '/settings/members/invitations', {
      email: 'future-owner@example.com',
      role: 'owner',
    }).loginAs(admin)
    inviteOwner.assertFlashMessage('inputErrorsBag', {
      role: ['Only an owner may invite another owner.'],
    })
    assert.equal(await roleIn(tenant.id, owner.id), 'owner')
    assert.equal(await roleIn(tenant.id, editor.userId), 'editor')

    const promote = await putForm(client, `/settings/members/${editor.id}`, {
      role: 'admin',
    }).loginAs(admin)
    const promoted = await User.findOrFail(editor.userId)
    promote.assertFlashMessage('success', `${promoted.email} is now admin.`)
    assert.equal(await roleIn(tenant.id, editor.userId), 'admin')
    assert.deepEqual(await auditActionsOf(tenant.id), ['member.role_change'])
  })

  test("another workspace's member cannot be touched (404)", async ({ client, assert }) => {
    const { user: owner } = await createUser()
    const { tenant: other } = await createUser()
    const { membership } = await addMember(other, 'editor')
    const change = await putForm(client, `/settings/members/${membership.id}`, {
      role: 'viewer',
    }).loginAs(owner)
    change.assertStatus(404)
    const remove = await deleteForm(client, `/settings/members/${membership.id}`).loginAs(owner)
    remove.assertStatus(404)
    assert.equal(await roleIn(other.id, membership.userId), 'editor')
  })

  test('removal ends access on the next request, web and API', async ({ client, assert }) => {
    const { user: owner, tenant } = await createUser()
    const { invitation, link } = await createInvitation(tenant, { role: 'editor' })
    await postForm(client, link, {
      fullName: 'Removed Soon',
      password: 'violet-harbour-tango-42',
      passwordConfirmation: 'violet-harbour-tango-42',
    })
    const member = await User.findByOrFail('email', invitation.email)
    const token = await createToken(member, ['clients:read'])
    const membership = await Membership.findByOrFail('userId', member.id)

    const before = await client
      .get('/clients')
      .loginAs(member)
      .withSession({
        [WORKSPACE_SESSION_KEY]: tenant.id,
      })
    before.assertStatus(200)
    const apiBefore = await api(client, token).get('/clients')
    apiBefore.assertStatus(200)

    const remove = await deleteForm(client, `/settings/members/${membership.id}`).loginAs(owner)
    remove.assertFlashMessage(
      'success',
      `${member.email} is removed from this workspace, with the API tokens they made for it.`
    )

    // Their only workspace is gone: they are sent to make one.
    const after = await client
      .get('/clients')
      .loginAs(member)
      .withSession({ [WORKSPACE_SESSION_KEY]: tenant.id })
      .redirects(0)
    after.assertStatus(302)
    after.assertHeader('location', '/workspaces/new')
    const named = await client.get(`/clients?workspace=${tenant.id}`).loginAs(member)
    named.assertStatus(404)

    const apiAfter = await api(client, token).get('/clients')
    apiAfter.assertStatus(401)
    assert.equal(await tokensOf(member.id, tenant.id), 0)
    await member.refresh()
    assert.isNull(member.lastTenantId)
    assert.deepEqual(await auditActionsOf(tenant.id), ['member.join', 'member.remove'])
  })

  test('a removed member who has other workspaces lands in one of them', async ({ client }) => {
    const { user: owner, tenant } = await createUser()
    const { user: member, membership } = await addMember(tenant, 'editor')
    await deleteForm(client, `/settings/members/${membership.id}`).loginAs(owner)

    const after = await client
      .get('/settings/members')
      .loginAs(member)
      .withSession({ [WORKSPACE_SESSION_KEY]: tenant.id })
    after.assertStatus(200)
    // Their own workspace's list: only themselves.
    after.assertTextIncludes(member.email)
    if (after.text().includes(owner.email)) throw new Error('Still sees the workspace it left')
  })

  test('the last owner cannot leave, be demoted or remove themselves', async ({
    client,
    assert,
  }) => {
    const { user: owner, tenant } = await createUser()
    await addMember(tenant, 'admin')
    const mine = await Membership.query()
      .where('tenantId', tenant.id)
      .where('userId', owner.id)
      .firstOrFail()

    const leave = await postForm(client, '/settings/members/leave').loginAs(owner)
    leave.assertFlashMessage(
      'error',
      'You are the only owner of this workspace: make another member owner before you leave.'
    )
    const demote = await putForm(client, `/settings/members/${mine.id}`, {
      role: 'admin',
    }).loginAs(owner)
    demote.assertFlashMessage(
      'error',
      `${owner.email} is the only owner: make another member owner first.`
    )
    const remove = await deleteForm(client, `/settings/members/${mine.id}`).loginAs(owner)
    remove.assertFlashMessage('error', 'To leave this workspace yourself, use “Leave workspace”.')

    assert.equal(await roleIn(tenant.id, owner.id), 'owner')
    assert.deepEqual(await auditActionsOf(tenant.id), [])
  })

  test('two owners demoting each other at once leave one owner', async ({ client, assert }) => {
    const { user: first, tenant } = await createUser()
    const { user: second, membership: secondMembership } = await addMember(tenant, 'owner')
    const firstMembership = await Membership.query()
      .where('tenantId', tenant.id)
      .where('userId', first.id)
      .firstOrFail()

    await Promise.all([
      putForm(client, `/settings/members/${secondMembership.id}`, { role: 'admin' }).loginAs(first),
      putForm(client, `/settings/members/${firstMembership.id}`, { role: 'admin' }).loginAs(second),
    ])
    assert.equal(await ownersOf(tenant.id), 1)

    // The same race below the policies (both still owners when they act):
    // the workspace's lock lets one through and refuses the other.
    const { user: third, membership: thirdMembership } = await addMember(tenant, 'owner')
    const remaining = await Membership.query()
      .where('tenantId', tenant.id)
      .where('role', 'owner')
      .whereNot('userId', third.id)
      .preload('user')
      .firstOrFail()
    const actor = (user: User) => ({ user, ip: null, userAgent: null })
    const results = await Promise.allSettled([
      ChangeMemberRole.handle(actor(remaining.user), thirdMembership, 'admin'),
      ChangeMemberRole.handle(actor(third), remaining, 'admin'),
    ])
    assert.deepEqual(results.map((result) => result.status).sort(), ['fulfilled', 'rejected'])
    const refusal = results.find((result) => result.status === 'rejected')!
    assert.instanceOf((refusal as PromiseRejectedResult).reason, TeamRuleError)
    assert.equal(await ownersOf(tenant.id), 1)
  })

  test('a member leaves, with the tokens they made for the workspace', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const { user: member } = await addMember(tenant, 'editor')
    await createToken(member, ['clients:read'])
    assert.equal(await tokensOf(member.id, tenant.id), 1)

    const leave = await postForm(client, '/settings/members/leave').loginAs(member)
    leave.assertFlashMessage('success', `You left ${tenant.name}.`)
    leave.assertHeader('location', '/dashboard')
    assert.isNull(await roleIn(tenant.id, member.id))
    assert.equal(await tokensOf(member.id, tenant.id), 0)
    assert.deepEqual(await auditActionsOf(tenant.id), ['member.leave'])
  })

  test('an owner hands the workspace over and steps down to admin', async ({ client, assert }) => {
    const { user: owner, tenant } = await createUser()
    const { user: heir, membership } = await addMember(tenant, 'editor')

    const transfer = await postForm(client, `/settings/members/${membership.id}/ownership`, {
      stepDown: 'true',
    }).loginAs(owner)
    transfer.assertFlashMessage('success', `${heir.email} is now an owner of this workspace.`)
    assert.equal(await roleIn(tenant.id, heir.id), 'owner')
    assert.equal(await roleIn(tenant.id, owner.id), 'admin')
    assert.deepEqual(await auditActionsOf(tenant.id), ['workspace.transfer_ownership'])

    // Now an admin, the former owner cannot hand it over again.
    const again = await postForm(client, `/settings/members/${membership.id}/ownership`, {
      stepDown: 'true',
    }).loginAs(owner)
    again.assertStatus(403)
  })

  test('an owner demoted while their request was on its way removes no owner', async ({
    assert,
  }) => {
    const { tenant } = await createUser()
    const { user: formerOwner, membership: former } = await addMember(tenant, 'owner')
    const { membership: target } = await addMember(tenant, 'owner')
    // The policy passed on the role the request started with; another owner
    // demoted them before the change ran.
    await former.merge({ role: 'admin' }).save()
    await target.load('user')
    await assert.rejects(
      () => RemoveMember.handle(actorFor(formerOwner), target),
      /This needs the owner role in this workspace, and yours is admin now/
    )
    assert.equal(await roleIn(tenant.id, target.userId), 'owner')
  })
})
