import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { DatabaseError, withoutQuery } from '#services/database/errors'
import type { ApiClient } from '@japa/api-client'
import { createUser } from '#tests/helpers/users'
import { createToken } from '#tests/helpers/api'
import { createClients, createMailing, createMessage } from '#tests/helpers/workspace'
import { createDeliveries, createRun } from '#tests/functional/stats/fixtures'
import { createPost } from '#tests/helpers/posts'
import WebhookEndpoint from '#models/webhook_endpoint'
import { newSecret } from '#services/webhooks/signing'

/**
 * Hostile query strings over every list, search and export endpoint, web
 * and API: none may answer 5xx. Values are written as they go on the wire
 * (already percent-encoded), so invalid escapes reach the server as sent.
 * A new list or export: add its path and query fields here.
 */
const HOSTILE_VALUES: [string, string][] = [
  ['the last code point', '%F4%8F%BF%BF'],
  ['ending with the last code point', 'a%F4%8F%BF%BF'],
  ['NUL', '%00'],
  ['NUL inside', 'ab%00cd'],
  ['a lone byte', '%FF'],
  ['a lone surrogate (CESU-8)', '%ED%A0%80'],
  ['an overlong slash', '%C0%AF'],
  ['a truncated sequence', '%E0%A4'],
  ['a bare percent', '%'],
  ['LIKE metacharacters', '%25_%5C%25'],
  ['SQL', "'%20OR%201%3D1--"],
  ['unicode', '%C3%B1%E2%82%AC%F0%9F%98%80'],
  ['a long value', 'x'.repeat(5000)],
  ['a huge number', '99999999999999999999999'],
  ['beyond 32-bit', '2147483648'],
  ['a float', '1e308'],
  ['negative', '-1'],
  ['zero', '0'],
  ['not a number', 'NaN'],
  ['empty', ''],
  ['spaces', '%20%20'],
]

/**
 * Shapes the qs parser makes of a field: arrays and objects where strings
 * are expected.
 */
const HOSTILE_SHAPES: [string, (field: string) => string][] = [
  ['an array', (field) => `${field}[]=a&${field}[]=b`],
  ['an indexed array', (field) => `${field}[0]=1&${field}[5]=2`],
  ['an object', (field) => `${field}[a]=b&${field}[c][d]=e`],
  ['repeated', (field) => `${field}=a&${field}=b`],
]

type Ids = { mailing: number; message: number; webhook: number }

const WEB_ENDPOINTS: [string, string[]][] = [
  ['/clients', ['q', 'sort', 'dir', 'after', 'before']],
  ['/clients/search', ['q']],
  ['/clients/export', ['q', 'sort', 'dir']],
  ['/clients/suppressions', ['q', 'reason', 'after']],
  ['/clients/suppressions/export', ['q', 'reason']],
  ['/messages', ['page']],
  ['/messages/:message/preview', ['clientId']],
  ['/mailings', ['status', 'page']],
  ['/mailings/:mailing/stats', ['run', 'unit', 'since']],
  ['/mailings/:mailing/deliveries', ['status', 'email', 'run', 'after']],
  ['/mailings/:mailing/deliveries/export', ['status', 'email', 'run']],
  ['/reports', ['from', 'to']],
  ['/settings/webhooks/:webhook', ['status', 'before']],
  ['/admin/mailings', ['workspace', 'status', 'from', 'to', 'after']],
  ['/admin/users', ['q', 'role', 'status', 'workspace', 'after']],
  ['/admin/audit', ['actor', 'action', 'subject', 'from', 'to', 'after']],
  ['/admin/posts', ['page']],
  ['/blog', ['page']],
]

const API_ENDPOINTS: [string, string[]][] = [
  ['/api/v1/clients', ['q', 'limit', 'cursor']],
  ['/api/v1/suppressions', ['email', 'reason', 'limit', 'cursor']],
  ['/api/v1/messages', ['limit', 'cursor']],
  ['/api/v1/mailings', ['limit', 'cursor']],
  ['/api/v1/mailings/:mailing/stats', ['run']],
  ['/api/v1/mailings/:mailing/deliveries', ['status', 'run', 'limit', 'cursor']],
  ['/api/v1/webhooks', ['limit', 'cursor']],
  ['/api/v1/webhooks/:webhook/deliveries', ['status', 'limit', 'cursor']],
]

/**
 * Path ids themselves, hostile: too large for the column, zero, padded.
 */
const HOSTILE_IDS = ['99999999999999999999', '2147483648', '0', '00001', 'abc', '1e3']

function withIds(path: string, ids: Ids) {
  return path
    .replace(':mailing', String(ids.mailing))
    .replace(':message', String(ids.message))
    .replace(':webhook', String(ids.webhook))
}

function queries(fields: string[]) {
  const all: string[] = []
  for (const field of fields) {
    for (const [, value] of HOSTILE_VALUES) all.push(`${field}=${value}`)
    for (const [, shape] of HOSTILE_SHAPES) all.push(shape(field))
  }
  return all
}

async function workspace() {
  const { user, tenant } = await createUser({ role: 'admin' })
  await createClients(tenant, 3)
  const message = await createMessage(tenant)
  const mailing = await createMailing(tenant)
  const run = await createRun(mailing, { total: 2, sent: 1, failed: 1 })
  await createDeliveries(run, [
    { email: 'a@example.com', status: 'sent' },
    { email: 'b@example.com', status: 'failed', fullName: '=1+1' },
  ])
  const webhook = await WebhookEndpoint.create({
    tenantId: tenant.id,
    url: 'https://hooks.example.com/in',
    events: ['client.unsubscribed'],
    enabled: false,
    secret: newSecret(),
  })
  await createPost({ title: 'Fuzzed' })
  return {
    user,
    token: await createToken(user),
    ids: { mailing: mailing.id, message: message.id, webhook: webhook.id },
  }
}

/**
 * Every request of the table; the failures are collected, so one run lists
 * every 5xx at once.
 */
async function serverErrors(
  requests: string[],
  send: (url: string) => ReturnType<ApiClient['get']>
) {
  const failures: string[] = []
  for (const url of requests) {
    const response = await send(url).redirects(0)
    if (response.status() >= 500) failures.push(`${response.status()} ${url.slice(0, 160)}`)
  }
  return failures
}

test.group('Hostile input: list, search and export endpoints', () => {
  test('no hostile query string makes a web page answer 5xx', async ({ client, assert }) => {
    const { user, ids } = await workspace()
    const requests = WEB_ENDPOINTS.flatMap(([path, fields]) =>
      queries(fields).map((query) => `${withIds(path, ids)}?${query}`)
    )
    for (const id of HOSTILE_IDS) {
      requests.push(`/mailings/${id}/deliveries`, `/mailings/${id}/deliveries/export`)
      requests.push(`/messages/${id}/preview`, `/settings/webhooks/${id}`, `/clients/${id}/edit`)
    }

    const failures = await serverErrors(requests, (url) => client.get(url).loginAs(user))
    assert.deepEqual(failures, [])
  }).timeout(300_000)

  test('no hostile query string makes the API answer 5xx', async ({ client, assert }) => {
    const { token, ids } = await workspace()
    const requests = API_ENDPOINTS.flatMap(([path, fields]) =>
      queries(fields).map((query) => `${withIds(path, ids)}?${query}`)
    )
    for (const id of HOSTILE_IDS) {
      requests.push(`/api/v1/clients/${id}`, `/api/v1/mailings/${id}/deliveries`)
      requests.push(`/api/v1/webhooks/${id}/deliveries`, `/api/v1/messages/${id}`)
    }

    const failures = await serverErrors(requests, (url) => client.get(url).bearerToken(token))
    assert.deepEqual(failures, [])
  }).timeout(300_000)
})

test.group('Hostile input: bodies', () => {
  const mailing = (clientIds: unknown, messageId: unknown) => ({
    name: 'Hostile',
    message_id: messageId,
    audience: 'selected',
    client_ids: clientIds,
    periodicity: 'once',
    start_at: '2031-01-01T10:00',
    end_at: '2031-01-02T10:00',
  })

  const BODIES: [string, (ids: { client: number; message: number }) => unknown, string][] = [
    // Above SQLite's 32,766 placeholders: this was a 500 ("too many SQL variables").
    [
      '40,000 client ids',
      ({ client, message }) =>
        mailing([client, ...Array.from({ length: 39_999 }, (_, i) => 1_000_000 + i)], message),
      'client_ids',
    ],
    [
      '100,001 client ids',
      ({ message }) =>
        mailing(
          Array.from({ length: 100_001 }, (_, i) => i + 1),
          message
        ),
      'client_ids',
    ],
    ['a client id beyond 32 bits', ({ message }) => mailing([2147483648], message), 'client_ids.0'],
    ['a negative client id', ({ message }) => mailing([-1], message), 'client_ids.0'],
    ['an object as client id', ({ message }) => mailing([{ id: 1 }], message), 'client_ids.0'],
    ['a huge message id', () => mailing([1], 1e308), 'message_id'],
    // PostgreSQL has no year 0: this would have been a 500 there.
    [
      'a start in year 0',
      ({ message }) => ({ ...mailing([1], message), start_at: '0000-01-01T00:00Z' }),
      'start_at',
    ],
    [
      'an end past year 9999',
      ({ message }) => ({ ...mailing([1], message), end_at: '9999-12-31T23:30-05:00' }),
      'end_at',
    ],
    [
      'a string of 100k as name',
      ({ message }) => ({ ...mailing([1], message), name: 'x'.repeat(100_000) }),
      'name',
    ],
  ]

  for (const [name, body, field] of BODIES) {
    test(`POST /api/v1/mailings with ${name} answers 422 naming ${field}`, async ({
      client,
      assert,
    }) => {
      const { user, tenant } = await createUser()
      const [first] = await createClients(tenant, 1)
      const message = await createMessage(tenant)

      const response = await client
        .post('/api/v1/mailings')
        .bearerToken(await createToken(user))
        .json(body({ client: first.id, message: message.id }) as object)

      response.assertStatus(422)
      const fields = (response.body().errors as { field: string }[]).map((error) => error.field)
      assert.include(fields, field)
    }).timeout(60_000)
  }

  test('a failed query is logged by its kind, without the statement or its values', async ({
    assert,
  }) => {
    const marker = `secret-${Date.now()}@example.com`
    const error = await db
      .from('no_such_table')
      .where('email', marker)
      .catch((caught: unknown) => caught)

    const logged = withoutQuery(error) as Error
    assert.instanceOf(logged, DatabaseError)
    assert.notInclude(String(logged.stack), marker)
    assert.notInclude(String(logged.stack), 'no_such_table')
    assert.match(logged.message, /^Database error: (SQLITE_ERROR|PostgreSQL 42P01)/)
    // And the driver's own message keeps the values out too.
    assert.notInclude((error as Error).message, marker)
  })
})
