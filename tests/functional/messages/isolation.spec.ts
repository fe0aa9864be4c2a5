import { test } from '@japa/runner'
import Message from '#models/message'
import type { Role } from '#models/user'
import { createUser } from '#tests/helpers/users'
import { createMessage } from '#tests/functional/messages/helpers'
import { submitForm } from '#tests/helpers/forms'

/**
 * Every message route, aimed at another workspace's message.
 */
const ROUTES = [
  { method: 'get', path: (id: number) => `/messages/${id}` },
  { method: 'get', path: (id: number) => `/messages/${id}/edit` },
  { method: 'get', path: (id: number) => `/messages/${id}/preview` },
  { method: 'put', path: (id: number) => `/messages/${id}` },
  { method: 'delete', path: (id: number) => `/messages/${id}` },
  { method: 'post', path: (id: number) => `/messages/${id}/duplicate` },
] as const

const FORM = { subject: 'Taken over', bodyText: 'Taken over', bodyHtml: '<p>Taken over</p>' }

test.group('Messages: another workspace’s messages', () => {
  for (const role of ['user', 'manager', 'admin'] as Role[]) {
    for (const route of ROUTES) {
      test(`${route.method.toUpperCase()} ${route.path(0).replace('/0', '/:id')} answers 404 to ${role === 'admin' ? 'an admin' : `a ${role}`} of another workspace`, async ({
        client,
        assert,
      }) => {
        const { tenant } = await createUser()
        const message = await createMessage(tenant, {
          subject: 'Private plans',
          bodyText: 'Secret body',
          bodyHtml: '<p>Secret html</p>',
        })
        const { user: intruder, tenant: intruderTenant } = await createUser({ role })

        const response = await submitForm(
          client,
          route.method.toUpperCase(),
          route.path(message.id),
          route.method === 'get' ? {} : FORM
        ).loginAs(intruder)

        response.assertStatus(404)
        assert.notInclude(response.text(), 'Private plans')
        assert.notInclude(response.text(), 'Secret')

        const unchanged = await Message.findOrFail(message.id)
        assert.equal(unchanged.subject, 'Private plans')
        assert.equal(unchanged.bodyText, 'Secret body')
        assert.lengthOf(await Message.query().where('tenant_id', intruderTenant.id), 0)
      })
    }
  }

  test('a message id that does not exist answers 404', async ({ client }) => {
    const { user } = await createUser()
    const response = await client.get('/messages/999999999').loginAs(user)
    response.assertStatus(404)
  })
})
