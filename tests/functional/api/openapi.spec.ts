import { test } from '@japa/runner'
import router from '@adonisjs/core/services/router'
import { openApiDocument } from '#api/openapi/document'
import { matchesSchema } from '#tests/helpers/openapi'

test.group('API: OpenAPI document', () => {
  test('is served at /api/v1/openapi.json without a token', async ({ client, assert }) => {
    const response = await client.get('/api/v1/openapi.json')
    response.assertStatus(200)
    assert.equal(response.body().openapi, '3.1.0')
    assert.deepEqual(response.body(), JSON.parse(JSON.stringify(openApiDocument())))
  })

  test('describes every API route, and nothing else', async ({ assert }) => {
    const document = openApiDocument() as { paths: Record<string, Record<string, unknown>> }
    const routes = Object.values(router.toJSON())
      .flat()
      .filter((route) => route.name?.startsWith('api.v1.') && route.name !== 'api.v1.openapi')
      .flatMap((route) =>
        route.methods
          .filter((method) => method !== 'HEAD')
          .map((method) => {
            const path = route.pattern.replace('/api/v1', '').replace(/:(\w+)/g, '{$1}')
            return `${method.toLowerCase()} ${path}`
          })
      )
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method} ${path}`)
    )
    assert.sameMembers(documented, routes)
  })

  test('the reference page and the errors page render', async ({ client, assert }) => {
    const reference = await client.get('/docs/api')
    reference.assertStatus(200)
    assert.include(reference.text(), 'data-url="/api/v1/openapi.json"')
    assert.include(reference.text(), 'scalar-api-reference.js')

    const errors = await client.get('/docs/api/errors')
    errors.assertStatus(200)
    for (const slug of ['validation-failed', 'rate-limited', 'idempotency-key-reused']) {
      assert.include(errors.text(), `id="${slug}"`)
    }
  })

  test('mailing inputs take the times mailings are shown with, and wall-clock time', ({
    assert,
  }) => {
    const input = { name: 'News', message_id: 1, audience: 'all', periodicity: 'once' }
    for (const time of [
      '2026-12-02T13:28:00Z',
      '2026-12-02T13:28:00.000Z',
      '2026-12-02T15:28:00+02:00',
      '2026-12-02T13:28',
      '2026-12-02T13:28:30',
    ]) {
      const started = matchesSchema('StartedMailingInput', { name: 'News', end_at: time })
      assert.isTrue(started.valid, `${time}: ${JSON.stringify(started.errors)}`)
      const full = matchesSchema('MailingInput', { ...input, start_at: time, end_at: time })
      assert.isTrue(full.valid, `${time}: ${JSON.stringify(full.errors)}`)
    }
    for (const time of ['2026-12-02', '2026-12-02T13:28:00.5', '2026-12-02T13:28+0200']) {
      assert.isFalse(
        matchesSchema('MailingInput', { ...input, start_at: time, end_at: time }).valid
      )
    }
  })
})
