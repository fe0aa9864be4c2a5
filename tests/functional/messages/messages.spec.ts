import { test } from '@japa/runner'
import { appUrl } from '#config/app'
import Message from '#models/message'
import { createUser } from '#tests/helpers/users'
import { createClient, createMailingUsing, createMessage } from '#tests/functional/messages/helpers'
import { deleteForm, postForm, putForm } from '#tests/helpers/forms'

const ALLOWED = 'Use {{ client.full_name }}, {{ client.email }} or {{ unsubscribe_url }}.'

test.group('Messages: list', () => {
  test('lists the workspace’s messages with how many mailings use them', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const used = await createMessage(tenant, { subject: 'Used twice' })
    await createMessage(tenant, { subject: 'Never used' })
    await createMailingUsing(used)
    await createMailingUsing(used)
    // Archived mailings are history, not current use.
    await createMailingUsing(used, { archived: true })
    const { tenant: otherTenant } = await createUser()
    await createMessage(otherTenant, { subject: 'Somebody else’s message' })

    const response = await client.get('/messages').loginAs(user)

    response.assertStatus(200)
    response.assertTextIncludes('Used twice')
    response.assertTextIncludes('2 mailings')
    response.assertTextIncludes('Never used')
    response.assertTextIncludes('No mailing')
    assert.notInclude(response.text(), 'Somebody else’s message')
  })

  test('an empty workspace is invited to write its first message', async ({ client }) => {
    const { user } = await createUser()
    const response = await client.get('/messages').loginAs(user)
    response.assertTextIncludes('Write your first message')
  })

  test('pages through many messages', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    for (let i = 0; i < 27; i++) await createMessage(tenant)

    const first = await client.get('/messages').loginAs(user)
    first.assertTextIncludes('Page 1 of 2')
    const second = await client.get('/messages').qs({ page: 2 }).loginAs(user)
    assert.equal((second.text().match(/data-testid="message-row"/g) ?? []).length, 2)
    // Nonsense page numbers show the first page rather than an error.
    const nonsense = await client.get('/messages').qs({ page: 'abc' }).loginAs(user)
    nonsense.assertTextIncludes('Page 1 of 2')
  })

  test('needs a logged-in user', async ({ client }) => {
    const response = await client.get('/messages').redirects(0)
    response.assertStatus(302)
    response.assertHeader('location', '/login')
  })
})

test.group('Messages: create', () => {
  test('the form lists the placeholders', async ({ client }) => {
    const { user } = await createUser()
    const response = await client.get('/messages/create').loginAs(user)
    response.assertStatus(200)
    response.assertTextIncludes('{{ client.full_name }}')
    response.assertTextIncludes('{{ client.email }}')
    response.assertTextIncludes('{{ unsubscribe_url }}')
  })

  test('saves a message and shows its preview', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const response = await postForm(client, '/messages', {
      subject: '  Hello {{ client.full_name }}  ',
      bodyText: 'Dear {{client.full_name}},\r\n\r\nUnsubscribe: {{ unsubscribe_url }}\r\n',
      bodyHtml: '<p>Dear <b>{{ client.full_name }}</b></p>',
    }).loginAs(user)

    const message = await Message.query().where('tenant_id', tenant.id).firstOrFail()
    response.assertStatus(302)
    response.assertHeader('location', `/messages/${message.id}`)
    response.assertFlashMessage('success', 'Your message is saved. Here is how it looks.')
    assert.equal(message.subject, 'Hello {{ client.full_name }}')
    assert.equal(
      message.bodyText,
      'Dear {{client.full_name}},\n\nUnsubscribe: {{ unsubscribe_url }}'
    )
    assert.equal(message.bodyHtml, '<p>Dear <b>{{ client.full_name }}</b></p>')
  })

  test('the HTML body is optional and stored as null when left empty', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await postForm(client, '/messages', {
      subject: 'Plain',
      bodyText: 'Just text',
      bodyHtml: '',
    }).loginAs(user)

    const message = await Message.query().where('tenant_id', tenant.id).firstOrFail()
    assert.isNull(message.bodyHtml)
  })

  test('sanitises the HTML body before storing it', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    await postForm(client, '/messages', {
      subject: 'Sanitised',
      bodyText: 'Text',
      bodyHtml:
        '<p onclick="steal()">Hi {{ client.full_name }}</p><script>alert(document.cookie)</script>' +
        '<img src="https://example.com/a.png" onerror="alert(1)"><a href="javascript:alert(1)">click</a>' +
        '<iframe src="https://evil.test"></iframe><form action="https://evil.test"><input name="x"></form>' +
        '<style>p { background: url(https://evil.test/leak) }</style><a href="https://example.com">ok</a>',
    }).loginAs(user)

    const message = await Message.query().where('tenant_id', tenant.id).firstOrFail()
    const html = message.bodyHtml!
    assert.notInclude(html, '<script')
    assert.notInclude(html, 'onerror=')
    assert.notInclude(html, 'onclick=')
    assert.notInclude(html, 'javascript:')
    assert.notInclude(html, 'iframe')
    assert.notInclude(html, '<form')
    assert.notInclude(html, 'evil.test')
    assert.equal(
      html,
      '<p>Hi {{ client.full_name }}</p><img src="https://example.com/a.png" /><a>click</a><a href="https://example.com">ok</a>'
    )
  })

  test('HTML with nothing left after sanitising is stored as no HTML', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await postForm(client, '/messages', {
      subject: 'Only a script',
      bodyText: 'Text',
      bodyHtml: '<script>alert(1)</script>',
    }).loginAs(user)

    const message = await Message.query().where('tenant_id', tenant.id).firstOrFail()
    assert.isNull(message.bodyHtml)
  })

  test('subject and text are required, spaces do not count', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    for (const form of [
      {},
      { subject: '', bodyText: '' },
      { subject: '   ', bodyText: ' \r\n ' },
    ]) {
      const response = await postForm(client, '/messages', form).loginAs(user)
      response.assertFlashMessage('inputErrorsBag', {
        subject: ['Please fill in the subject'],
        bodyText: ['Please fill in the text body'],
      })
    }
    assert.lengthOf(await Message.query().where('tenant_id', tenant.id), 0)
  })

  test('refuses a subject or body that is too long', async ({ client }) => {
    const { user } = await createUser()
    const response = await postForm(client, '/messages', {
      subject: 'x'.repeat(251),
      bodyText: 'y'.repeat(100_001),
      bodyHtml: `<p>${'z'.repeat(500_000)}</p>`,
    }).loginAs(user)

    response.assertFlashMessage('inputErrorsBag', {
      subject: ['The subject must be at most 250 characters long'],
      bodyText: ['The text body must be at most 100000 characters long'],
      bodyHtml: ['The HTML body must be at most 500000 characters long'],
    })
  })

  test('names unknown placeholders beside each field', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const response = await postForm(client, '/messages', {
      subject: 'Hi {{ client.phone }}',
      bodyText: 'Hi {{client.first_name}}, see {{#offers}}{{ title }}{{/offers}}',
      bodyHtml: '<p>{{{ client.full_name }}}</p>',
    }).loginAs(user)

    response.assertFlashMessage('inputErrorsBag', {
      subject: [`Unknown placeholder {{ client.phone }}. ${ALLOWED}`],
      bodyText: [
        `Unknown placeholders {{ client.first_name }}, {{#offers}}, {{ title }}. ${ALLOWED}`,
      ],
      bodyHtml: [`Unknown placeholder {{{ client.full_name }}}. ${ALLOWED}`],
    })
    assert.lengthOf(await Message.query().where('tenant_id', tenant.id), 0)
  })

  test('says where a placeholder is not closed', async ({ client }) => {
    const { user } = await createUser()
    const response = await postForm(client, '/messages', {
      subject: 'Hi',
      bodyText: 'Dear {{ client.full_name, welcome',
    }).loginAs(user)

    response.assertFlashMessage('inputErrorsBag', {
      bodyText: ['"{{ client.full_name, welcome" is missing its closing }}.'],
    })
  })

  test('refuses a client placeholder at the start of a link', async ({ client }) => {
    const { user } = await createUser()
    const response = await postForm(client, '/messages', {
      subject: 'Hi',
      bodyText: 'Hi',
      bodyHtml: '<a href="{{ client.full_name }}">me</a>',
    }).loginAs(user)

    response.assertFlashMessage('inputErrorsBag', {
      bodyHtml: [
        '{{ client.full_name }} cannot start a link or image address: a client could turn it into any link. Put it in the text, or after "https://…" or "mailto:".',
      ],
    })
  })

  test('checks the placeholders of the HTML as it will be stored', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    // The unknown placeholder sits in a script, which sanitising removes.
    const response = await postForm(client, '/messages', {
      subject: 'Hi',
      bodyText: 'Hi',
      bodyHtml: '<p>{{ client.email }}</p><script>{{ client.phone }}</script>',
    }).loginAs(user)

    response.assertFlashMessage('success', 'Your message is saved. Here is how it looks.')
    const message = await Message.query().where('tenant_id', tenant.id).firstOrFail()
    assert.equal(message.bodyHtml, '<p>{{ client.email }}</p>')
  })

  test('keeps what was typed when the form comes back with errors', async ({ client }) => {
    const { user } = await createUser()
    const back = await client
      .post('/messages')
      .form({ subject: '', bodyText: 'My long text {{ client.email }}' })
      .header('referer', '/messages/create')
      .loginAs(user)
      .withCsrfToken()

    back.assertStatus(200)
    back.assertTextIncludes('Please fill in the subject')
    back.assertTextIncludes('My long text {{ client.email }}</textarea>')
  })
})

test.group('Messages: show and preview', () => {
  test('previews the message for the example client by default', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant, {
      subject: 'News for {{ client.full_name }}',
      bodyText: 'Dear {{ client.full_name }} <{{ client.email }}>',
    })

    const response = await client.get(`/messages/${message.id}`).loginAs(user)

    response.assertStatus(200)
    response.assertTextIncludes('News for Alex Example')
    response.assertTextIncludes('Dear Alex Example &lt;alex@example.com&gt;')
    // A text-only message has no HTML frame.
    assert.notInclude(response.text(), 'data-testid="preview-html"')
  })

  test('previews the message for a chosen client, values escaped on the page', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const recipient = await createClient(tenant, { fullName: '<script>alert(1)</script> Ada' })
    const message = await createMessage(tenant, {
      subject: 'News for {{ client.full_name }}',
      bodyText: 'Dear {{ client.full_name }}, this is {{ client.email }}',
      bodyHtml: '<p>Dear {{ client.full_name }}</p>',
    })

    const response = await client
      .get(`/messages/${message.id}`)
      .qs({ clientId: recipient.id })
      .loginAs(user)

    response.assertStatus(200)
    response.assertTextIncludes(`this is ${recipient.email}`)
    response.assertTextIncludes('Dear &lt;script&gt;alert(1)&lt;/script&gt; Ada')
    assert.notInclude(response.text(), '<script>alert(1)')
    response.assertTextIncludes(`src="/messages/${message.id}/preview?clientId=${recipient.id}"`)
    response.assertTextIncludes('sandbox="allow-popups allow-popups-to-escape-sandbox"')
    response.assertTextIncludes(`<option value="${recipient.id}" selected>`)
  })

  test('the preview is the HTML a client receives, in a locked-down document', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const recipient = await createClient(tenant, { fullName: '<img src=x onerror=alert(1)>' })
    const message = await createMessage(tenant, {
      subject: 'Hi {{ client.full_name }}',
      bodyHtml: '<p>Dear {{ client.full_name }}</p><a href="{{ unsubscribe_url }}">Unsubscribe</a>',
    })

    const response = await client
      .get(`/messages/${message.id}/preview`)
      .qs({ clientId: recipient.id })
      .loginAs(user)

    response.assertStatus(200)
    assert.match(response.header('content-type')!, /^text\/html/)
    const csp = response.header('content-security-policy')!
    assert.include(csp, `default-src 'none'`)
    assert.include(csp, 'sandbox')
    assert.notInclude(csp, 'allow-scripts')
    assert.notInclude(csp, 'script-src')
    assert.include(csp, `frame-ancestors 'self'`)
    response.assertHeader('x-frame-options', 'SAMEORIGIN')
    response.assertTextIncludes('<p>Dear &lt;img src=x onerror=alert(1)&gt;</p>')
    response.assertTextIncludes(`<a href="${appUrl}/u/example">Unsubscribe</a>`)
    assert.notInclude(response.text(), '<img src=x')
  })

  test('the preview of a text-only message is plain text', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant, { bodyText: 'Hi {{ client.full_name }} <b>' })

    const response = await client.get(`/messages/${message.id}/preview`).loginAs(user)

    assert.match(response.header('content-type')!, /^text\/plain/)
    assert.equal(response.text(), 'Hi Alex Example <b>')
  })

  test('a client of another workspace is not found', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const { tenant: otherTenant } = await createUser()
    const stranger = await createClient(otherTenant, { fullName: 'Secret Stranger' })
    const message = await createMessage(tenant)

    for (const path of [`/messages/${message.id}`, `/messages/${message.id}/preview`]) {
      const response = await client.get(path).qs({ clientId: stranger.id }).loginAs(user)
      response.assertStatus(404)
      assert.notInclude(response.text(), 'Secret Stranger')
    }
  })

  test('a client id that is not a number is not found', async ({ client }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant)
    for (const clientId of ['abc', '-1', '1.5', '0']) {
      const response = await client
        .get(`/messages/${message.id}/preview`)
        .qs({ clientId })
        .loginAs(user)
      response.assertStatus(404)
    }
  })

  test('lists the mailings that use the message, with links', async ({ client }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant)
    const current = await createMailingUsing(message, { name: 'Weekly digest' })
    const archived = await createMailingUsing(message, { name: 'Old promo', archived: true })

    const response = await client.get(`/messages/${message.id}`).loginAs(user)

    response.assertTextIncludes(`href="/mailings/${current.id}"`)
    response.assertTextIncludes('Weekly digest')
    response.assertTextIncludes(`href="/mailings/${archived.id}"`)
    response.assertTextIncludes('archived')
  })

  test('suggests an unsubscribe link when the message has none', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const without = await createMessage(tenant, { bodyText: 'Hi' })
    const withLink = await createMessage(tenant, { bodyText: 'Bye: {{unsubscribe_url}}' })

    const first = await client.get(`/messages/${without.id}`).loginAs(user)
    first.assertTextIncludes('data-testid="unsubscribe-tip"')
    const second = await client.get(`/messages/${withLink.id}`).loginAs(user)
    assert.notInclude(second.text(), 'data-testid="unsubscribe-tip"')
  })
})

test.group('Messages: edit, duplicate, delete', () => {
  test('the edit form shows the message and warns when mailings use it', async ({ client }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant, {
      subject: 'Edit me',
      bodyHtml: '<p>{{ client.email }}</p>',
    })
    await createMailingUsing(message)

    const response = await client.get(`/messages/${message.id}/edit`).loginAs(user)

    response.assertStatus(200)
    response.assertTextIncludes('value="Edit me"')
    response.assertTextIncludes('&lt;p&gt;{{ client.email }}&lt;/p&gt;</textarea>')
    response.assertTextIncludes('A mailing sends this message')
  })

  test('saves changes, sanitising the HTML again', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant)

    const response = await putForm(client, `/messages/${message.id}`, {
      subject: 'Changed',
      bodyText: 'New text {{ client.email }}',
      bodyHtml: '<p>New</p><img src="x" onerror="alert(1)">',
    }).loginAs(user)

    response.assertHeader('location', `/messages/${message.id}`)
    response.assertFlashMessage('success', 'Your changes are saved.')
    await message.refresh()
    assert.equal(message.subject, 'Changed')
    assert.equal(message.bodyText, 'New text {{ client.email }}')
    assert.equal(message.bodyHtml, '<p>New</p><img />')
  })

  test('refuses changes with unknown placeholders and keeps the message', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant, { subject: 'Before' })

    const response = await putForm(client, `/messages/${message.id}`, {
      subject: 'After {{ client.phone }}',
      bodyText: 'Text',
    }).loginAs(user)

    response.assertFlashMessage('inputErrorsBag', {
      subject: [`Unknown placeholder {{ client.phone }}. ${ALLOWED}`],
    })
    await message.refresh()
    assert.equal(message.subject, 'Before')
  })

  test('duplicates a message and opens the copy', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant, {
      subject: 'Original',
      bodyText: 'Text {{ client.full_name }}',
      bodyHtml: '<p>HTML</p>',
    })

    const response = await postForm(client, `/messages/${message.id}/duplicate`).loginAs(user)

    const copy = await Message.query()
      .where('tenant_id', tenant.id)
      .whereNot('id', message.id)
      .firstOrFail()
    response.assertHeader('location', `/messages/${copy.id}/edit`)
    response.assertFlashMessage('success', 'This is your copy. Change what you need and save it.')
    assert.equal(copy.subject, 'Copy of Original')
    assert.equal(copy.bodyText, 'Text {{ client.full_name }}')
    assert.equal(copy.bodyHtml, '<p>HTML</p>')
  })

  test('a copy of a long subject fits without cutting a placeholder', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const subject = `${'a'.repeat(225)} {{ client.full_name }}`
    const message = await createMessage(tenant, { subject })

    await postForm(client, `/messages/${message.id}/duplicate`).loginAs(user)

    const copy = await Message.query()
      .where('tenant_id', tenant.id)
      .whereNot('id', message.id)
      .firstOrFail()
    assert.isAtMost(copy.subject.length, 250)
    assert.equal(copy.subject, `Copy of ${'a'.repeat(225)}…`)
  })

  test('deletes a message no mailing uses', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant, { subject: 'Goodbye' })

    const response = await deleteForm(client, `/messages/${message.id}`).loginAs(user)

    response.assertHeader('location', '/messages')
    response.assertFlashMessage('success', 'The message “Goodbye” is deleted.')
    assert.isNull(await Message.find(message.id))
  })

  test('refuses to delete a message a mailing uses, naming the mailings', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant)
    await createMailingUsing(message, { name: 'Weekly digest' })
    await createMailingUsing(message, { name: 'Anniversary' })

    const response = await deleteForm(client, `/messages/${message.id}`).loginAs(user)

    response.assertHeader('location', `/messages/${message.id}`)
    response.assertFlashMessage(
      'error',
      'This message cannot be deleted: it is used by the mailings “Anniversary” and “Weekly digest”. Choose another message for those mailings first.'
    )
    assert.isNotNull(await Message.find(message.id))
  })

  test('an archived mailing keeps its message too', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant)
    await createMailingUsing(message, { name: 'Old promo', archived: true })

    const response = await deleteForm(client, `/messages/${message.id}`).loginAs(user)

    response.assertFlashMessage(
      'error',
      'This message cannot be deleted: it is used by the mailing “Old promo” (archived). Archived mailings keep the message they sent, for their history.'
    )
    assert.isNotNull(await Message.find(message.id))
  })

  test('the delete button asks for confirmation', async ({ client }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant, { subject: 'Careful "now"' })
    const response = await client.get(`/messages/${message.id}`).loginAs(user)
    response.assertTextIncludes(
      'data-confirm="Delete the message “Careful &quot;now&quot;”? This cannot be undone."'
    )
  })
})
