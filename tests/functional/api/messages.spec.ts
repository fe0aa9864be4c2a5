import { test } from '@japa/runner'
import { createUser } from '#tests/helpers/users'
import { createMailing, createMessage } from '#tests/helpers/workspace'
import { api, createToken, statusOf } from '#tests/helpers/api'

test.group('API: messages', () => {
  test('creates, reads, updates, lists and deletes a message', async ({ client, assert }) => {
    const { user } = await createUser()
    const calls = api(client, await createToken(user))

    const created = await calls.post('/messages', {
      subject: 'Hello {{ client.full_name }}',
      body_text: 'Hi!\r\nBye: {{ unsubscribe_url }}',
      body_html: '<p onclick="x()">Hi <script>alert(1)</script></p>',
    })
    created.assertStatus(201)
    const id = created.body().id
    assert.equal(created.body().body_text, 'Hi!\nBye: {{ unsubscribe_url }}')
    assert.notInclude(created.body().body_html, 'script')
    assert.notInclude(created.body().body_html, 'onclick')

    const updated = await calls.put(`/messages/${id}`, { subject: 'New', body_text: 'Text' })
    updated.assertStatus(200)
    assert.include(updated.body(), { subject: 'New', body_text: 'Text', body_html: null })

    const read = await calls.get(`/messages/${id}`)
    assert.deepEqual(read.body(), updated.body())

    const list = await calls.get('/messages')
    assert.deepEqual(list.body(), { data: [updated.body()], next_cursor: null })

    assert.equal(await statusOf(calls.delete(`/messages/${id}`)), 204)
    assert.equal(await statusOf(calls.get(`/messages/${id}`)), 404)
  })

  test('refuses unknown placeholders and missing fields, naming them', async ({
    client,
    assert,
  }) => {
    const { user } = await createUser()
    const calls = api(client, await createToken(user))

    const response = await calls.post('/messages', { subject: 'Hi {{ client.phone }}' })
    response.assertStatus(422)
    assert.deepEqual(
      response.body().errors.map((error: { field: string; rule: string }) => error.field),
      ['subject', 'body_text']
    )
  })

  test('a cursor the API did not hand out answers 422 naming the field', async ({
    client,
    assert,
  }) => {
    const { user } = await createUser()
    const calls = api(client, await createToken(user))
    const json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

    const rows: [what: string, cursor: string][] = [
      ['not base64 JSON', 'not-a-cursor'],
      ['base64 of text', Buffer.from('plain text').toString('base64url')],
      ['an array', json([1, 2])],
      ['a negative id', json({ id: -3 })],
      ['id 0', json({ id: 0 })],
      ['an id that is not a number', json({ id: '7' })],
      ['no id', json({ after: 7 })],
    ]
    for (const [what, cursor] of rows) {
      const response = await calls.get(`/messages?cursor=${cursor}`)
      assert.equal(response.status(), 422, what)
      assert.equal(response.body().errors[0].field, 'cursor', what)
    }
    assert.equal(await statusOf(calls.get(`/messages?cursor=${json({ id: 7 })}`)), 200)
  })

  test('pages by cursor, newest first', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const messages = []
    for (let i = 0; i < 5; i++) messages.push(await createMessage(tenant))
    const calls = api(client, await createToken(user))

    const first = await calls.get('/messages?limit=2')
    const second = await calls.get(`/messages?limit=2&cursor=${first.body().next_cursor}`)
    const third = await calls.get(`/messages?limit=2&cursor=${second.body().next_cursor}`)
    const ids = [first, second, third].flatMap((page) =>
      page.body().data.map((message: { id: number }) => message.id)
    )
    assert.deepEqual(ids, messages.map((message) => message.id).reverse())
    assert.isNull(third.body().next_cursor)
  })

  test('a message a mailing sends cannot be deleted (409)', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const mailing = await createMailing(tenant)
    const calls = api(client, await createToken(user))

    const response = await calls.delete(`/messages/${mailing.messageId}`)
    response.assertStatus(409)
    assert.include(response.body().detail, String(mailing.id))
  })

  test('another workspace’s messages answer 404; abilities are checked', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const other = await createUser()
    const theirs = await createMessage(other.tenant)
    const own = await createMessage(tenant)
    const calls = api(client, await createToken(user))
    const reader = api(client, await createToken(user, ['messages:read']))
    const body = { subject: 'S', body_text: 'T' }

    assert.equal(await statusOf(calls.get(`/messages/${theirs.id}`)), 404)
    assert.equal(await statusOf(calls.put(`/messages/${theirs.id}`, body)), 404)
    assert.equal(await statusOf(calls.delete(`/messages/${theirs.id}`)), 404)
    assert.equal(await statusOf(reader.get(`/messages/${own.id}`)), 200)
    assert.equal(await statusOf(reader.post('/messages', body)), 403)
    assert.equal(await statusOf(reader.put(`/messages/${own.id}`, body)), 403)
    assert.equal(await statusOf(reader.delete(`/messages/${own.id}`)), 403)
    const writer = api(client, await createToken(user, ['messages:write']))
    assert.equal(await statusOf(writer.get('/messages')), 403)
  })

  test('the HTML body keeps only the allowed classes', async ({ client, assert }) => {
    const { user } = await createUser()
    const calls = api(client, await createToken(user))

    const created = await calls.post('/messages', {
      subject: 'Classes',
      body_text: 'Hi',
      body_html:
        '<div class="position-fixed top-0 w-100 h-100 text-center">Hi</div>' +
        '<p class="lead modal-backdrop">there</p><span class="stretched-link">x</span>',
    })
    created.assertStatus(201)
    assert.equal(
      created.body().body_html,
      '<div class="text-center">Hi</div><p class="lead">there</p><span>x</span>'
    )
  })
})
