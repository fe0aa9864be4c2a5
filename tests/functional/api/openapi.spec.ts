import { test } from '@japa/runner'
import router from '@adonisjs/core/services/router'
import { openApiDocument } from '#api/openapi/document'

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
})
