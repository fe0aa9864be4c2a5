import { test } from '@japa/runner'
import { createUser } from '#tests/helpers/users'
import { createClients, createMailing } from '#tests/helpers/workspace'
import { createPost } from '#tests/helpers/posts'
import AddSendingDomain from '#actions/sending_domains/add_sending_domain'
import SuppressAddress from '#actions/suppressions/suppress_address'
import { ownerActorOf } from '#tests/helpers/actors'
import {
  createAttribute,
  createTag,
  setAttributes,
  tagClients,
} from '#tests/functional/clients/audience_helpers'

/**
 * Edge reads a tag only at the start of a line: `<td>@!mailingStatus(…)</td>`
 * is printed as text. The admin lists once showed their badges that way,
 * and nothing failed. Every page is rendered here with data in each list,
 * and none may show template syntax. (Not `{{`: message placeholders are
 * written that way on purpose.)
 */
const TEMPLATE_SYNTAX = /@!|@(?:if|elseif|else|each|let|include|component|end)\b/

type Ids = {
  mailing: number
  message: number
  client: number
  post: number
  tag: number
  attribute: number
}

const PAGES: { path: string; as: 'owner' | 'admin' | 'guest' }[] = [
  { as: 'guest', path: '/' },
  { as: 'guest', path: '/blog' },
  { as: 'guest', path: '/login' },
  { as: 'guest', path: '/signup' },
  { as: 'guest', path: '/forgot-password' },
  { as: 'owner', path: '/dashboard' },
  { as: 'owner', path: '/clients' },
  { as: 'owner', path: '/clients/:client/edit' },
  { as: 'owner', path: '/clients/create' },
  { as: 'owner', path: '/clients/import' },
  { as: 'owner', path: '/clients/suppressions' },
  { as: 'owner', path: '/clients/tags' },
  { as: 'owner', path: '/clients/tags/:tag/edit' },
  { as: 'owner', path: '/clients/attributes' },
  { as: 'owner', path: '/clients/attributes/create' },
  { as: 'owner', path: '/clients/attributes/:attribute/edit' },
  { as: 'owner', path: '/messages' },
  { as: 'owner', path: '/messages/:message' },
  { as: 'owner', path: '/messages/:message/edit' },
  { as: 'owner', path: '/mailings' },
  { as: 'owner', path: '/mailings/create' },
  { as: 'owner', path: '/mailings/:mailing' },
  { as: 'owner', path: '/mailings/:mailing/edit' },
  { as: 'owner', path: '/mailings/:mailing/deliveries' },
  { as: 'owner', path: '/reports' },
  { as: 'owner', path: '/settings/workspace' },
  { as: 'owner', path: '/settings/profile' },
  { as: 'owner', path: '/settings/sessions' },
  { as: 'owner', path: '/settings/tokens' },
  { as: 'owner', path: '/settings/webhooks' },
  { as: 'owner', path: '/settings/smtp' },
  { as: 'owner', path: '/settings/sending' },
  { as: 'owner', path: '/settings/members' },
  { as: 'admin', path: '/admin' },
  { as: 'admin', path: '/admin/mailings' },
  { as: 'admin', path: '/admin/mailings/:mailing' },
  { as: 'admin', path: '/admin/users' },
  { as: 'admin', path: '/admin/audit' },
  { as: 'admin', path: '/admin/posts' },
  { as: 'admin', path: '/admin/posts/:post/edit' },
]

test.group('Views: no template syntax reaches the page', (group) => {
  let ids: Ids
  let owner: Awaited<ReturnType<typeof createUser>>['user']
  let admin: Awaited<ReturnType<typeof createUser>>['user']

  group.setup(async () => {
    const account = await createUser()
    const staff = await createUser({ role: 'admin' })
    owner = account.user
    admin = staff.user
    const [client, bounced, complained] = await createClients(account.tenant, 3)
    // Both lists show their suppression states (badges, the complaint's box).
    for (const [entry, reason] of [
      [bounced, 'hard_bounce'],
      [complained, 'complaint'],
    ] as const) {
      await SuppressAddress.handle({
        tenantId: account.tenant.id,
        email: entry.email,
        reason,
        source: 'test',
      })
    }
    const mailing = await createMailing(account.tenant, { status: 'running' })
    await createMailing(account.tenant, { status: 'paused' })
    await AddSendingDomain.handle(
      await ownerActorOf(account.tenant),
      account.tenant,
      `leaks-${account.tenant.id}.example`
    )
    const post = await createPost()
    await createPost({ publishedAt: null })
    // The client list and form show tags and an input of every attribute type.
    const tag = await createTag(account.tenant, 'VIP', { isTopic: true, description: 'News' })
    await tagClients(tag, [client])
    const attribute = await createAttribute(account.tenant, 'plan', 'choice', ['Free', 'Pro'])
    for (const type of ['text', 'number', 'date', 'boolean'] as const) {
      await createAttribute(account.tenant, `field_${type}`, type)
    }
    await setAttributes(client, { plan: 'Pro', field_boolean: true, field_date: '2026-01-01' })
    ids = {
      mailing: mailing.id,
      message: mailing.messageId,
      client: client.id,
      post: post.id,
      tag: tag.id,
      attribute: attribute.id,
    }
  })

  test('{path} as {as}')
    .with(PAGES)
    .run(async ({ client, assert }, page) => {
      const path = page.path.replace(/:(\w+)/g, (_, name: keyof Ids) => String(ids[name]))
      const request = client.get(path)
      if (page.as === 'owner') request.loginAs(owner)
      if (page.as === 'admin') request.loginAs(admin)
      const response = await request

      response.assertStatus(200)
      const leak = response.text().match(TEMPLATE_SYNTAX)
      assert.isNull(leak, `${path} shows template syntax: ${leak?.[0]}`)
    })
})
