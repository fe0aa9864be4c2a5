import { mkdir, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from '@japa/runner'
import type { ApiClient, ApiRequest, ApiResponse } from '@japa/api-client'
import Client from '#models/client'
import uploadsConfig from '#config/uploads'
import { removeStaleUploads } from '#middleware/multipart_middleware'
import { unsubscribeUrl } from '#sending/unsubscribe_links'
import { createUser } from '#tests/helpers/users'
import { removeUploads, writeUpload } from '#tests/functional/clients/helpers'
import { postForm, putForm } from '#tests/helpers/forms'

/**
 * An upload of an odd size, so that a copy of it is recognised among the
 * other files of the system's temp folder (other processes use it too).
 * Small enough to be sent whole before the server answers: a refused
 * upload is answered without reading it, and the test client then fails
 * with EPIPE where curl would show the answer.
 */
const STRAY_SIZE = 40_003
const strayFile = () => writeUpload('stray.bin', Buffer.alloc(STRAY_SIZE, 0x41))

async function filesIn(folder: string) {
  try {
    return new Set(await readdir(folder))
  } catch {
    return new Set<string>()
  }
}

/**
 * Copies of the stray upload left on disk by the request: in our uploads
 * folder (any file) and in the system's temp folder, where the body parser
 * used to write them (new files of the upload's size).
 */
async function strayCopiesAfter(send: () => Promise<ApiResponse>) {
  const before = await filesIn(tmpdir())
  const response = await send()
  const left = [...(await filesIn(uploadsConfig.tmpPath))].map((name) =>
    join(uploadsConfig.tmpPath, name)
  )
  for (const name of await filesIn(tmpdir())) {
    if (before.has(name)) continue
    const path = join(tmpdir(), name)
    const info = await stat(path).catch(() => null)
    if (info?.isFile() && info.size === STRAY_SIZE) left.push(path)
  }
  return { response, left }
}

async function unsubscribeLink() {
  const { tenant } = await createUser()
  const reader = await tenant
    .related('clients')
    .create({ email: `reader-${Date.now().toString(36)}@example.com` })
  return { reader, path: new URL(unsubscribeUrl(reader)).pathname }
}

/**
 * The request is returned in an object: an ApiRequest is a thenable, which
 * an async function would send on returning it.
 */
type Post = (client: ApiClient, file: string) => Promise<{ request: ApiRequest }>

/**
 * Routes that take no files, sent a file part (and a CSRF token, so that
 * only the upload itself can be what is refused).
 */
const NO_FILE_ROUTES: [string, Post][] = [
  [
    '/login',
    async (client, file) => ({
      request: postForm(client, '/login').file('avatar', file),
    }),
  ],
  [
    '/signup',
    async (client, file) => ({
      request: postForm(client, '/signup')
        .field('email', 'someone@example.com')
        .file('avatar', file),
    }),
  ],
  [
    '/u/<token> (unsubscribe)',
    async (client, file) => {
      const { path } = await unsubscribeLink()
      return {
        request: client.post(path).field('List-Unsubscribe', 'One-Click').file('payload', file),
      }
    },
  ],
  [
    '/clients (a form without files)',
    async (client, file) => {
      const { user } = await createUser()
      return { request: postForm(client, '/clients').loginAs(user).file('file', file) }
    },
  ],
  ['/api/v1/clients', async (client, file) => client.post('/api/v1/clients').file('file', file)],
]

test.group('Uploads: routes that take no files', (group) => {
  group.teardown(removeUploads)

  for (const [route, post] of NO_FILE_ROUTES) {
    test(`a file part sent to ${route} is refused, and nothing is kept`, async ({
      client,
      assert,
    }) => {
      const file = await strayFile()
      const { request } = await post(client, file)
      const { response, left } = await strayCopiesAfter(() => request.redirects(0))

      assert.deepEqual(left, [])
      const status = response.status()
      assert.isAtLeast(status, 400, `${route} answered ${status}`)
      assert.isBelow(status, 500, `${route} answered ${status}`)
    })
  }

  test('a one-click unsubscribe sent as multipart fields still unsubscribes (RFC 8058)', async ({
    client,
    assert,
  }) => {
    const { reader, path } = await unsubscribeLink()

    const response = await client.post(path).field('List-Unsubscribe', 'One-Click')

    response.assertStatus(200)
    await reader.refresh()
    assert.isNotNull(reader.unsubscribedAt)
  })
})

test.group('Uploads: routes that take files', (group) => {
  group.teardown(removeUploads)

  test('an anonymous upload to the import is not written anywhere', async ({ client, assert }) => {
    const file = await strayFile()
    const { response, left } = await strayCopiesAfter(() =>
      postForm(client, '/clients/import').file('file', file)
    )

    assert.deepEqual(left, [])
    assert.notEqual(response.status(), 200)
  })

  test('an import refused by validation leaves nothing', async ({ client, assert }) => {
    const { user } = await createUser()
    // Binary data named .csv: refused beside the field.
    const file = await writeUpload('stray.csv', Buffer.alloc(STRAY_SIZE, 0))
    const { response, left } = await strayCopiesAfter(() =>
      postForm(client, '/clients/import')
        .file('file', file)
        .header('referer', '/clients/import')
        .loginAs(user)
    )

    assert.deepEqual(left, [])
    response.assertStatus(302)
  })

  test('an upload to a request that then fails (unknown post) leaves nothing', async ({
    client,
    assert,
  }) => {
    const { user } = await createUser({ role: 'content_manager' })
    const file = await strayFile()
    const { response, left } = await strayCopiesAfter(() =>
      putForm(client, '/admin/posts/999999999')
        .field('title', 'Nobody')
        .file('cover', file)
        .loginAs(user)
    )

    assert.deepEqual(left, [])
    response.assertStatus(404)
  })

  test('a file in a field the form does not have is refused with 415', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const file = await strayFile()
    const { response, left } = await strayCopiesAfter(() =>
      postForm(client, '/clients/import').file('extra', file).loginAs(user)
    )

    assert.deepEqual(left, [])
    response.assertStatus(415)
    assert.lengthOf(await Client.query().where('tenant_id', tenant.id), 0)
  })

  test('a valid import still works, and its file is gone afterwards', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const file = await writeUpload('clients.csv', 'email\nada@example.com\n')
    const { response, left } = await strayCopiesAfter(() =>
      postForm(client, '/clients/import').file('file', file).loginAs(user)
    )

    response.assertStatus(200)
    assert.deepEqual(left, [])
    assert.deepEqual(await filesIn(uploadsConfig.tmpPath), new Set())
    assert.lengthOf(await Client.query().where('tenant_id', tenant.id), 1)
  })
})

test.group('Uploads: files left by a killed process', () => {
  test('files older than an hour are swept, younger ones (in flight elsewhere) stay', async ({
    assert,
  }) => {
    await mkdir(uploadsConfig.tmpPath, { recursive: true })
    const old = join(uploadsConfig.tmpPath, 'left-by-a-crash')
    const fresh = join(uploadsConfig.tmpPath, 'in-flight')
    await writeFile(old, 'x')
    await writeFile(fresh, 'y')
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000)
    await utimes(old, twoHoursAgo, twoHoursAgo)

    await removeStaleUploads()

    const left = await filesIn(uploadsConfig.tmpPath)
    await rm(fresh, { force: true })
    assert.deepEqual([...left], ['in-flight'])
  })
})
