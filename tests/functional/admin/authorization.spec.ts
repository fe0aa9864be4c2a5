import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import type { ApiClient } from '@japa/api-client'
import Mailing from '#models/mailing'
import User from '#models/user'
import type { Role } from '#models/user'
import Client from '#models/client'
import Message from '#models/message'
import AuditLog from '#models/audit_log'
import { createUser } from '#tests/helpers/users'
import { createClients, createMailing } from '#tests/helpers/workspace'
import { createPost } from '#tests/helpers/posts'
import Post from '#models/post'
import { postForm, submitForm } from '#tests/helpers/forms'

/**
 * Every staff route and every owner-only action on another workspace's
 * data, against each role. A row prepares its own subject (from another
 * workspace than the actor's), says which roles may act, and how to tell
 * whether the action took effect: an allowed role must get a page or a
 * redirect AND the effect; a refused one must get 404 and no effect.
 * Add a row here for each new staff route.
 */

type Actor = Awaited<ReturnType<typeof createUser>>['user']

interface Prepared {
  url: string
  form?: Record<string, string>
  /** Whether the action changed something (mutations only). */
  changed?: () => Promise<boolean>
}

interface Row {
  name: string
  method: 'get' | 'post' | 'put' | 'delete'
  allowed: Role[]
  prepare: (actor: Actor) => Promise<Prepared>
}

const ROLES: Role[] = ['user', 'manager', 'content_manager', 'admin']
const OVERSEERS: Role[] = ['manager', 'admin']
const NOBODY: Role[] = []
const EDITORS: Role[] = ['content_manager', 'admin']

const someoneElse = async (role: Role = 'user') => {
  const { user } = await createUser({ role })
  return user
}
const blockedUser = async (role: Role = 'user') => {
  const user = await someoneElse(role)
  user.merge({ blockedAt: DateTime.now(), blockedReason: 'Spam' })
  await user.save()
  return user
}
const otherWorkspace = async () => {
  const { tenant } = await createUser()
  return tenant
}
/** Reloads a record, then checks it. */
const has = async <T extends { refresh(): Promise<unknown> }>(
  record: T,
  check: (r: T) => boolean
) => {
  await record.refresh()
  return check(record)
}
/** The URL of a fresh live mailing of another workspace. */
const liveMailingUrl = async (prefix: string, suffix = '') => {
  const mailing = await liveMailing()
  return `${prefix}/${mailing.id}${suffix}`
}
const gone = async (model: typeof Client | typeof Message, id: number) => !(await model.find(id))

/** An owner's mailing in the middle of its window (it may pause, edit, delete). */
const liveMailing = async () =>
  createMailing(await otherWorkspace(), {
    status: 'running',
    startAt: DateTime.now().minus({ hours: 1 }),
  })

const rows: Row[] = [
  // The admin panel
  {
    name: 'open the admin panel',
    method: 'get',
    allowed: ['manager', 'content_manager', 'admin'],
    prepare: async () => ({ url: '/admin' }),
  },
  {
    name: 'list all mailings',
    method: 'get',
    allowed: OVERSEERS,
    prepare: async () => ({ url: '/admin/mailings' }),
  },
  {
    name: "open another workspace's mailing in the panel",
    method: 'get',
    allowed: OVERSEERS,
    prepare: async () => ({ url: await liveMailingUrl('/admin/mailings') }),
  },
  {
    name: 'disable a mailing',
    method: 'post',
    allowed: OVERSEERS,
    prepare: async () => {
      const mailing = await liveMailing()
      return {
        url: `/admin/mailings/${mailing.id}/disable`,
        form: { reason: 'Phishing content' },
        changed: () => has(mailing, (r) => r.status === 'disabled'),
      }
    },
  },
  {
    name: 'enable a mailing',
    method: 'post',
    allowed: OVERSEERS,
    prepare: async () => {
      const mailing = await createMailing(await otherWorkspace(), { status: 'disabled' })
      return {
        url: `/admin/mailings/${mailing.id}/enable`,
        changed: () => has(mailing, (r) => r.status !== 'disabled'),
      }
    },
  },
  {
    name: 'list users',
    method: 'get',
    allowed: OVERSEERS,
    prepare: async () => ({ url: '/admin/users' }),
  },
  {
    name: 'open a user',
    method: 'get',
    allowed: OVERSEERS,
    prepare: async () => {
      const user = await someoneElse()
      return { url: `/admin/users/${user.id}` }
    },
  },
  ...(['user', 'manager', 'content_manager', 'admin'] as const).map((targetRole): Row => ({
    name: `block a ${targetRole}`,
    method: 'post',
    allowed: targetRole === 'user' ? OVERSEERS : ['admin'],
    prepare: async () => {
      const target = await someoneElse(targetRole)
      return {
        url: `/admin/users/${target.id}/block`,
        form: { reason: 'Sends spam' },
        changed: () => has(target, (r) => r.isBlocked),
      }
    },
  })),
  ...(['user', 'manager'] as const).map((targetRole): Row => ({
    name: `unblock a ${targetRole}`,
    method: 'post',
    allowed: targetRole === 'user' ? OVERSEERS : ['admin'],
    prepare: async () => {
      const target = await blockedUser(targetRole)
      return {
        url: `/admin/users/${target.id}/unblock`,
        changed: () => has(target, (r) => !r.isBlocked),
      }
    },
  })),
  {
    name: 'block themselves',
    method: 'post',
    allowed: NOBODY,
    prepare: async (actor) => ({
      url: `/admin/users/${actor.id}/block`,
      form: { reason: 'Testing' },
      changed: () => has(actor, (r) => r.isBlocked),
    }),
  },
  {
    name: "change someone's role",
    method: 'put',
    allowed: ['admin'],
    prepare: async () => {
      const target = await someoneElse()
      return {
        url: `/admin/users/${target.id}/role`,
        form: { role: 'manager' },
        changed: () => has(target, (r) => r.role === 'manager'),
      }
    },
  },
  {
    name: 'change their own role',
    method: 'put',
    allowed: NOBODY,
    prepare: async (actor) => ({
      url: `/admin/users/${actor.id}/role`,
      form: { role: 'user' },
      changed: async () => {
        const stored = await User.findOrFail(actor.id)
        return stored.role !== actor.role
      },
    }),
  },
  {
    name: 'read the audit log',
    method: 'get',
    allowed: ['admin'],
    prepare: async () => ({ url: '/admin/audit' }),
  },

  // Another workspace's mailing through the owner's pages: staff look, never touch
  ...(['', '/stats', '/deliveries', '/deliveries/export'] as const).map((suffix): Row => ({
    name: `GET /mailings/:id${suffix} of another workspace`,
    method: 'get',
    allowed: OVERSEERS,
    prepare: async () => ({ url: await liveMailingUrl('/mailings', suffix) }),
  })),
  {
    name: "edit another workspace's mailing (form)",
    method: 'get',
    allowed: NOBODY,
    prepare: async () => ({ url: await liveMailingUrl('/mailings', '/edit') }),
  },
  {
    name: "update another workspace's mailing",
    method: 'put',
    allowed: NOBODY,
    prepare: async () => {
      const mailing = await liveMailing()
      return {
        url: `/mailings/${mailing.id}`,
        form: { name: 'Hijacked', endAt: '2099-01-01T00:00' },
        changed: () => has(mailing, (r) => r.name === 'Hijacked'),
      }
    },
  },
  ...(
    [
      ['delete', '', (m: Mailing) => m.archivedAt !== null],
      ['post', '/pause', (m: Mailing) => m.status === 'paused'],
      ['post', '/test-send', () => false],
    ] as const
  ).map(([method, suffix, isChanged]): Row => ({
    name: `${method.toUpperCase()} /mailings/:id${suffix} of another workspace`,
    method,
    allowed: NOBODY,
    prepare: async () => {
      const mailing = await liveMailing()
      return {
        url: `/mailings/${mailing.id}${suffix}`,
        changed: () => has(mailing, isChanged),
      }
    },
  })),
  {
    name: "resume another workspace's paused mailing",
    method: 'post',
    allowed: NOBODY,
    prepare: async () => {
      const mailing = await createMailing(await otherWorkspace(), { status: 'paused' })
      return {
        url: `/mailings/${mailing.id}/resume`,
        changed: () => has(mailing, (r) => r.status !== 'paused'),
      }
    },
  },
  {
    name: "edit another workspace's client",
    method: 'put',
    allowed: NOBODY,
    prepare: async () => {
      const [client] = await createClients(await otherWorkspace(), 1)
      return {
        url: `/clients/${client.id}`,
        form: { email: 'hijacked@example.com', fullName: 'Hijacked' },
        changed: () => has(client, (r) => r.email === 'hijacked@example.com'),
      }
    },
  },
  {
    name: "delete another workspace's client",
    method: 'delete',
    allowed: NOBODY,
    prepare: async () => {
      const [client] = await createClients(await otherWorkspace(), 1)
      return { url: `/clients/${client.id}`, changed: () => gone(Client, client.id) }
    },
  },
  {
    name: "open another workspace's message",
    method: 'get',
    allowed: NOBODY,
    prepare: async () => {
      const mailing = await liveMailing()
      return { url: `/messages/${mailing.messageId}` }
    },
  },
  {
    name: "edit another workspace's message",
    method: 'put',
    allowed: NOBODY,
    prepare: async () => {
      const mailing = await liveMailing()
      return {
        url: `/messages/${mailing.messageId}`,
        form: { subject: 'Hijacked', bodyText: 'Hijacked' },
        changed: async () => {
          const message = await Message.findOrFail(mailing.messageId)
          return message.subject === 'Hijacked'
        },
      }
    },
  },
  {
    name: "delete another workspace's message",
    method: 'delete',
    allowed: NOBODY,
    prepare: async () => {
      const mailing = await liveMailing()
      return {
        url: `/messages/${mailing.messageId}`,
        changed: () => gone(Message, mailing.messageId),
      }
    },
  },
  // The blog editor
  {
    name: 'list blog posts',
    method: 'get',
    allowed: EDITORS,
    prepare: async () => ({ url: '/admin/posts' }),
  },
  {
    name: 'open the new post form',
    method: 'get',
    allowed: EDITORS,
    prepare: async () => ({ url: '/admin/posts/create' }),
  },
  {
    name: 'write a post',
    method: 'post',
    allowed: EDITORS,
    prepare: async () => {
      const title = `Staff table ${Date.now()} ${Math.random()}`
      return {
        url: '/admin/posts',
        form: { title, body: 'Some *news*.' },
        changed: async () => Boolean(await Post.findBy('title', title)),
      }
    },
  },
  {
    name: 'edit a post',
    method: 'get',
    allowed: EDITORS,
    prepare: async () => {
      const post = await createPost()
      return { url: `/admin/posts/${post.id}/edit` }
    },
  },
  {
    name: 'update a post',
    method: 'put',
    allowed: EDITORS,
    prepare: async () => {
      const post = await createPost()
      return {
        url: `/admin/posts/${post.id}`,
        form: { title: 'Retitled by staff', body: post.bodyMarkdown },
        changed: () => has(post, (r) => r.title === 'Retitled by staff'),
      }
    },
  },
  {
    name: 'publish a post',
    method: 'post',
    allowed: EDITORS,
    prepare: async () => {
      const post = await createPost({ publishedAt: null })
      return {
        url: `/admin/posts/${post.id}/publish`,
        changed: () => has(post, (r) => r.publishedAt !== null),
      }
    },
  },
  {
    name: 'unpublish a post',
    method: 'post',
    allowed: EDITORS,
    prepare: async () => {
      const post = await createPost()
      return {
        url: `/admin/posts/${post.id}/unpublish`,
        changed: () => has(post, (r) => r.publishedAt === null),
      }
    },
  },
  {
    name: 'delete a post',
    method: 'delete',
    allowed: EDITORS,
    prepare: async () => {
      const post = await createPost()
      return { url: `/admin/posts/${post.id}`, changed: async () => !(await Post.find(post.id)) }
    },
  },
]

async function send(client: ApiClient, row: Row, actor: Actor, prepared: Prepared) {
  if (row.method === 'get') return client.get(prepared.url).loginAs(actor).redirects(0)
  return submitForm(client, row.method, prepared.url, prepared.form ?? {}).loginAs(actor)
}

test.group('Staff authorization', () => {
  for (const role of ROLES) {
    for (const row of rows) {
      const allowed = row.allowed.includes(role)
      test(`${role} ${allowed ? 'may' : 'may not'} ${row.name}`, async ({ client, assert }) => {
        const { user: actor } = await createUser({ role })
        const prepared = await row.prepare(actor)
        const response = await send(client, row, actor, prepared)

        if (!allowed) {
          response.assertStatus(404)
        } else if (row.method === 'get') {
          response.assertStatus(200)
        } else {
          response.assertStatus(302)
          assert.notInclude(response.header('location') ?? '', '/login')
        }
        if (prepared.changed) assert.equal(await prepared.changed(), allowed)
      })
    }
  }

  test('every allowed staff mutation is in the audit log, with its actor', async ({
    client,
    assert,
  }) => {
    const { user: admin } = await createUser({ role: 'admin' })
    const target = await someoneElse()
    await postForm(client, `/admin/users/${target.id}/block`, {
      reason: 'Sends spam',
    }).loginAs(admin)
    const entry = await AuditLog.query()
      .where({ subject_type: 'user', subject_id: target.id })
      .firstOrFail()
    assert.equal(entry.actorId, admin.id)
    assert.equal(entry.action, 'user.block')
    assert.equal(entry.reason, 'Sends spam')
  })
})
