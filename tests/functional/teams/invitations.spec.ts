import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import Invitation from '#models/invitation'
import Membership from '#models/membership'
import User from '#models/user'
import { smtp } from '#tests/helpers/peers'
import { linkIn } from '#tests/helpers/account_mail'
import { deleteForm, postForm } from '#tests/helpers/forms'
import { createUser, STRONG_PASSWORD } from '#tests/helpers/users'
import {
  INVITATIONS_PER_ADDRESS_PER_DAY,
  INVITATIONS_PER_WORKSPACE_PER_HOUR,
} from '#actions/teams/invite_member'
import { addMember, auditActionsOf, createInvitation, roleIn } from './team_helpers.js'

let sequence = 0
const newAddress = () => `colleague-${Date.now().toString(36)}-${++sequence}@example.com`

const signUp = {
  fullName: 'Grace Colleague',
  password: STRONG_PASSWORD,
  passwordConfirmation: STRONG_PASSWORD,
}

test.group('Invitations', () => {
  test('an invitee without an account signs up from the mailed link and lands in the workspace', async ({
    client,
    assert,
  }) => {
    const { user: owner, tenant } = await createUser()
    await tenant.merge({ name: 'Acme Studio' }).save()
    const email = newAddress()

    const invite = await postForm(client, '/settings/members/invitations', {
      email: email.toUpperCase(),
      role: 'editor',
    }).loginAs(owner)
    invite.assertStatus(302)
    invite.assertFlashMessage(
      'success',
      `An invitation is on its way to ${email}. Its link works once, for 7 days.`
    )

    const mail = await smtp.waitForMailTo(email, `invited you to ${tenant.name}`)
    const link = linkIn(mail.parsed.text, '/invitations/')
    assert.match(link, /^\/invitations\/[A-Za-z0-9_-]{43}$/)
    const stored = await Invitation.findByOrFail('email', email)
    assert.equal(stored.tokenHash, Invitation.hashOf(link.split('/').pop()!))

    const page = await client.get(link)
    page.assertStatus(200)
    page.assertTextIncludes(`Join ${tenant.name}`)
    page.assertTextIncludes('Make my account and join')
    page.assertHeader('referrer-policy', 'no-referrer')
    assert.notMatch(page.text(), /@!|@(?:if|elseif|else|each|let|include|component|end)\b/)

    const accepted = await postForm(client, link, signUp)
    accepted.assertStatus(302)
    accepted.assertHeader('location', '/dashboard')

    const invitee = await User.findByOrFail('email', email)
    assert.isNotNull(invitee.emailVerifiedAt)
    assert.equal(invitee.lastTenantId, tenant.id)
    const memberships = await Membership.query().where('userId', invitee.id)
    assert.deepEqual(
      memberships.map((m) => [m.tenantId, m.role]),
      [[tenant.id, 'editor']]
    )
    await stored.refresh()
    assert.equal(stored.acceptedById, invitee.id)

    // Logged in by the sign-up itself, in the workspace.
    assert.equal(accepted.session().auth_web, invitee.id)
    assert.equal(accepted.session().workspace_id, tenant.id)

    const dashboard = await client.get('/dashboard').loginAs(invitee)
    dashboard.assertStatus(200)
    dashboard.assertTextIncludes(tenant.name)
    assert.deepEqual(await auditActionsOf(tenant.id), ['member.invite', 'member.join'])

    // Single use: the same link again makes nothing.
    const again = await postForm(client, link, signUp)
    again.assertStatus(410)
    assert.lengthOf(await Membership.query().where('userId', invitee.id), 1)
  })

  test('an existing user accepts into their list of workspaces', async ({ client, assert }) => {
    const { user: owner, tenant } = await createUser()
    await tenant.merge({ name: 'Acme Studio' }).save()
    const { user: colleague, tenant: ownWorkspace } = await createUser()

    await postForm(client, '/settings/members/invitations', {
      email: colleague.email,
      role: 'viewer',
    }).loginAs(owner)
    const mail = await smtp.waitForMailTo(colleague.email, `invited you to ${tenant.name}`)
    const link = linkIn(mail.parsed.text, '/invitations/')

    const loggedOut = await client.get(link)
    loggedOut.assertStatus(200)
    loggedOut.assertTextIncludes('has an account already')

    const page = await client.get(link).loginAs(colleague)
    page.assertTextIncludes(`Join ${tenant.name}`)
    const accepted = await postForm(client, link).loginAs(colleague)
    accepted.assertHeader('location', '/dashboard')

    assert.equal(await roleIn(tenant.id, colleague.id), 'viewer')
    assert.equal(await roleIn(ownWorkspace.id, colleague.id), 'owner')
  })

  test('an invitee without an account cannot make one for an address that has one', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const { user: existing } = await createUser()
    const { link } = await createInvitation(tenant, { email: existing.email })

    const response = await postForm(client, link, signUp)
    response.assertStatus(409)
    assert.isNull(await roleIn(tenant.id, existing.id))
  })

  const abuses: {
    name: string
    status: number
    problem: string
    prepare: (
      tenant: Awaited<ReturnType<typeof createUser>>['tenant']
    ) => Promise<{ link: string; as?: User; email?: string }>
  }[] = [
    {
      name: 'an expired link',
      status: 410,
      problem: 'expired',
      prepare: async (tenant) => {
        const { link, invitation } = await createInvitation(tenant, {
          expiresAt: DateTime.now().minus({ minutes: 1 }),
        })
        return { link, email: invitation.email }
      },
    },
    {
      name: 'a used link',
      status: 410,
      problem: 'used',
      prepare: async (tenant) => {
        const { link, invitation } = await createInvitation(tenant, { acceptedAt: DateTime.now() })
        return { link, email: invitation.email }
      },
    },
    {
      name: 'a revoked link',
      status: 410,
      problem: 'revoked',
      prepare: async (tenant) => {
        const { link, invitation } = await createInvitation(tenant, { revokedAt: DateTime.now() })
        return { link, email: invitation.email }
      },
    },
    {
      name: 'a link for another address than the logged-in one',
      status: 403,
      problem: 'other_account',
      prepare: async (tenant) => {
        const { link } = await createInvitation(tenant)
        const { user } = await createUser()
        return { link, as: user }
      },
    },
    {
      name: 'a made-up link',
      status: 404,
      problem: 'unknown',
      prepare: async () => ({ link: `/invitations/${Invitation.newToken()}` }),
    },
    {
      name: 'garbage',
      status: 404,
      problem: 'unknown',
      prepare: async () => ({ link: '/invitations/%27%20or%201%3D1--' }),
    },
  ]

  for (const abuse of abuses) {
    test(`refuses ${abuse.name} (${abuse.status}) and adds nobody`, async ({ client, assert }) => {
      const { tenant } = await createUser()
      const { link, as, email } = await abuse.prepare(tenant)
      const before = await Membership.query().where('tenantId', tenant.id)

      const page = as ? await client.get(link).loginAs(as) : await client.get(link)
      page.assertStatus(abuse.status)
      page.assertTextIncludes(`data-problem="${abuse.problem}"`)
      assert.notMatch(page.text(), /@!|@(?:if|elseif|else|each|let|include|component|end)\b/)

      const post = as
        ? await postForm(client, link).loginAs(as)
        : await postForm(client, link, signUp)
      post.assertStatus(abuse.status)

      const after = await Membership.query().where('tenantId', tenant.id)
      assert.equal(after.length, before.length)
      if (email) assert.isNull(await User.findBy('email', email))
      if (as) assert.isNull(await roleIn(tenant.id, as.id))
    })
  }

  test('a pending invitation is not sent twice; resending mails a new link and kills the old one', async ({
    client,
    assert,
  }) => {
    const { user: owner } = await createUser()
    const email = newAddress()
    await postForm(client, '/settings/members/invitations', { email, role: 'editor' }).loginAs(
      owner
    )
    const firstMail = await smtp.waitForMailTo(email)
    const first = linkIn(firstMail.parsed.text, '/invitations/')

    const twice = await postForm(client, '/settings/members/invitations', {
      email,
      role: 'editor',
    }).loginAs(owner)
    twice.assertFlashMessage('pendingInvitation', { email, role: 'editor' })
    const errors = twice.flashMessages().inputErrorsBag as Record<string, string[]>
    assert.match(errors.email[0], /is already invited/)

    const resend = await postForm(client, '/settings/members/invitations', {
      email,
      role: 'editor',
      resend: 'true',
    }).loginAs(owner)
    resend.assertFlashMessage(
      'success',
      `An invitation is on its way to ${email}. Its link works once, for 7 days.`
    )
    await smtp.waitFor((mail) => mail.to.includes(email) && !mail.parsed.text?.includes(first))
    const second = smtp
      .messagesTo(email)
      .map((mail) => linkIn(mail.parsed.text, '/invitations/'))
      .find((link) => link !== first)!

    const old = await postForm(client, first, signUp)
    old.assertStatus(410)
    const fresh = await postForm(client, second, signUp)
    fresh.assertHeader('location', '/dashboard')
  })

  test('an unconfirmed account cannot invite; a long name is cut in the subject', async ({
    client,
    assert,
  }) => {
    const { user: unconfirmed, tenant: theirs } = await createUser({ verified: false })
    const refused = await postForm(client, '/settings/members/invitations', {
      email: newAddress(),
      role: 'editor',
    })
      .loginAs(unconfirmed)
      .header('referer', '/settings/members')
    refused.assertFlashMessage('inputErrorsBag', {
      email: [
        'Confirm your email address first (the link we mailed you): invitations go out once it is.',
      ],
    })
    assert.lengthOf(await Invitation.query().where('tenantId', theirs.id), 0)

    const { user: owner, tenant } = await createUser({ fullName: `Win ${'a'.repeat(110)}` })
    await tenant.merge({ name: `Click here to claim your prize ${'!'.repeat(80)}` }).save()
    const email = newAddress()
    await postForm(client, '/settings/members/invitations', { email, role: 'viewer' }).loginAs(
      owner
    )
    const mail = await smtp.waitForMailTo(email, 'invited you to')
    assert.isAtMost(Array.from(mail.parsed.subject ?? '').length, 40 + 60 + 30)
    assert.include(mail.parsed.subject, '…')
  })

  test("an admin's pending invitations stop working once they may no longer invite", async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const { user: admin } = await addMember(tenant, 'admin')
    const { link, invitation } = await createInvitation(tenant, { invitedById: admin.id })
    await Membership.query()
      .where({ tenantId: tenant.id, userId: admin.id })
      .update({ role: 'editor' })
    const refused = await postForm(client, link, signUp)
    refused.assertStatus(410)
    assert.isNull(await User.findBy('email', invitation.email))
  })

  test("an invitation to become an owner is the owners' to revoke or replace", async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const { user: admin } = await addMember(tenant, 'admin')
    const { invitation } = await createInvitation(tenant, { role: 'owner' })
    const revoke = await deleteForm(client, `/settings/members/invitations/${invitation.id}`)
      .loginAs(admin)
      .header('referer', '/settings/members')
    revoke.assertFlashMessage(
      'error',
      'This needs the owner role in this workspace, and yours is admin now. Nothing was changed.'
    )
    const resend = await postForm(client, '/settings/members/invitations', {
      email: invitation.email,
      role: 'viewer',
      resend: 'true',
    })
      .loginAs(admin)
      .header('referer', '/settings/members')
    assert.notEqual(resend.status(), 500)
    await invitation.refresh()
    assert.isNull(invitation.revokedAt)
    assert.lengthOf(await Invitation.query().where('email', invitation.email), 1)
  })

  test('refuses to invite a member again', async ({ client, assert }) => {
    const { user: owner, tenant } = await createUser()
    const { user: member } = await addMember(tenant, 'viewer')
    const response = await postForm(client, '/settings/members/invitations', {
      email: member.email,
      role: 'editor',
    }).loginAs(owner)
    response.assertFlashMessage('inputErrorsBag', {
      email: [`${member.email} is already a member of this workspace.`],
    })
    assert.lengthOf(await Invitation.query().where('tenantId', tenant.id), 0)
  })

  test('limits invitations to one address', async ({ client, assert }) => {
    const { user: owner } = await createUser()
    const email = newAddress()
    for (let i = 0; i < INVITATIONS_PER_ADDRESS_PER_DAY; i++) {
      const sent = await postForm(client, '/settings/members/invitations', {
        email,
        role: 'viewer',
        resend: 'true',
      }).loginAs(owner)
      sent.assertFlashMessage(
        'success',
        `An invitation is on its way to ${email}. Its link works once, for 7 days.`
      )
    }
    // Another workspace's invitation counts too: the address is what is protected.
    const { user: stranger } = await createUser()
    const flood = await postForm(client, '/settings/members/invitations', {
      email,
      role: 'viewer',
    }).loginAs(stranger)
    flood.assertFlashMessage('inputErrorsBag', {
      email: [
        `${email} has received ${INVITATIONS_PER_ADDRESS_PER_DAY} invitations today. Please try again tomorrow.`,
      ],
    })
    assert.lengthOf(await Invitation.query().where('email', email), INVITATIONS_PER_ADDRESS_PER_DAY)
  })

  test('limits the invitations of one workspace', async ({ client, assert }) => {
    const { user: owner, tenant } = await createUser()
    for (let i = 0; i < INVITATIONS_PER_WORKSPACE_PER_HOUR; i++) {
      const sent = await postForm(client, '/settings/members/invitations', {
        email: newAddress(),
        role: 'viewer',
      }).loginAs(owner)
      assert.match(String(sent.flashMessages().success), /on its way/)
    }
    const flood = await postForm(client, '/settings/members/invitations', {
      email: newAddress(),
      role: 'viewer',
    }).loginAs(owner)
    flood.assertFlashMessage('inputErrorsBag', {
      email: [
        `This workspace has sent ${INVITATIONS_PER_WORKSPACE_PER_HOUR} invitations in the last hour. Please wait a while before inviting more people.`,
      ],
    })
    assert.lengthOf(
      await Invitation.query().where('tenantId', tenant.id),
      INVITATIONS_PER_WORKSPACE_PER_HOUR
    )
  })

  test('a revoked invitation stops working at once', async ({ client, assert }) => {
    const { user: owner, tenant } = await createUser()
    const { invitation, link } = await createInvitation(tenant)

    const revoke = await postForm(
      client,
      `/settings/members/invitations/${invitation.id}?_method=DELETE`
    ).loginAs(owner)
    revoke.assertFlashMessage(
      'success',
      `The invitation to ${invitation.email} is revoked: its link no longer works.`
    )
    const refused = await postForm(client, link, signUp)
    refused.assertStatus(410)
    assert.isNull(await User.findBy('email', invitation.email))
    assert.deepEqual(await auditActionsOf(tenant.id), ['invitation.revoke'])
  })

  test("another workspace's invitation cannot be revoked (404)", async ({ client, assert }) => {
    const { user: owner } = await createUser()
    const { tenant: other } = await createUser()
    const { invitation } = await createInvitation(other)
    const response = await postForm(
      client,
      `/settings/members/invitations/${invitation.id}?_method=DELETE`
    ).loginAs(owner)
    response.assertStatus(404)
    await invitation.refresh()
    assert.isNull(invitation.revokedAt)
  })

  test('one link used twice at the same moment makes one account and one membership', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const { link, invitation } = await createInvitation(tenant)
    const responses = await Promise.all([
      postForm(client, link, signUp),
      postForm(client, link, signUp),
    ])
    const statuses = responses.map((response) => response.status()).sort()
    assert.equal(statuses[0], 302)
    assert.include([409, 410], statuses[1])
    const users = await User.query().where('email', invitation.email)
    assert.lengthOf(users, 1)
    assert.lengthOf(await Membership.query().where('userId', users[0].id), 1)
  })

  test('the sign-up form of a link checks the password like at sign-up, and keeps the link', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const { link, invitation } = await createInvitation(tenant)
    const weak = await postForm(client, link, {
      fullName: 'Weak Password',
      password: 'qwerty12345',
      passwordConfirmation: 'qwerty12345',
    })
    weak.assertStatus(302)
    weak.assertFlashMessage('inputErrorsBag', {
      password: [
        'This password is too common or too easy to guess. Try a longer phrase of unrelated words.',
      ],
    })
    assert.isNull(await User.findBy('email', invitation.email))
    const retry = await postForm(client, link, signUp)
    retry.assertHeader('location', '/dashboard')
  })
})
