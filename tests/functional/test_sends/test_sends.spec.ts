import { test } from '@japa/runner'
import { appUrl } from '#config/app'
import type { Role } from '#models/user'
import { TEST_SENDS_PER_WINDOW } from '#actions/messages/send_test_message'
import { smtp } from '#tests/helpers/peers'
import { createUser } from '#tests/helpers/users'
import { createMailing } from '#tests/helpers/workspace'
import { createMessage } from '#tests/functional/messages/helpers'
import { postForm } from '#tests/helpers/forms'

const EXAMPLE_LINK = `${appUrl}/u/example`

/**
 * A raw header line of a received message (unfolded), or undefined.
 */
function rawHeader(raw: string, name: string) {
  const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ')
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
  return line?.slice(name.length + 1).trim()
}

test.group('Test sends: a message', () => {
  test('goes to the user’s own address, rendered for them and marked as a test', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser({ fullName: 'Ada & Co' })
    const message = await createMessage(tenant, {
      subject: 'Spring news for {{ client.full_name }}',
      bodyText: 'Dear {{ client.full_name }} <{{ client.email }}>, leave: {{ unsubscribe_url }}',
      bodyHtml: '<p>Dear {{ client.full_name }}</p><a href="{{ unsubscribe_url }}">Unsubscribe</a>',
    })

    const response = await postForm(client, `/messages/${message.id}/test-send`).loginAs(user)
    response.assertStatus(302)
    response.assertHeader('location', `/messages/${message.id}`)
    response.assertFlashMessage(
      'success',
      `A test is on its way to ${user.email}. It can take a minute to arrive.`
    )

    const mail = await smtp.waitForMailTo(user.email, '[Test] Spring news for Ada & Co')
    assert.equal(mail.parsed.subject, '[Test] Spring news for Ada & Co')
    assert.equal(rawHeader(mail.raw, 'X-Mailings-Test'), '1')
    assert.equal(
      (mail.parsed.text ?? '').trim(),
      `Dear Ada & Co <${user.email}>, leave: ${EXAMPLE_LINK}`
    )
    assert.include(
      mail.parsed.html || '',
      `<p>Dear Ada &amp; Co</p><a href="${EXAMPLE_LINK}">Unsubscribe</a>`
    )
    // The same one-click headers as a real send, on the harmless example link.
    assert.equal(rawHeader(mail.raw, 'List-Unsubscribe'), `<${EXAMPLE_LINK}>`)
    assert.equal(rawHeader(mail.raw, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click')
  })

  test('the message page has the button', async ({ client }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant)

    const response = await client.get(`/messages/${message.id}`).loginAs(user)
    response.assertTextIncludes(`action="/messages/${message.id}/test-send"`)
    response.assertTextIncludes('Send a test to me')
  })

  for (const role of ['user', 'manager', 'admin'] as Role[]) {
    test(`another workspace’s message answers 404 to ${role === 'admin' ? 'an' : 'a'} ${role}`, async ({
      client,
      assert,
    }) => {
      const { tenant } = await createUser()
      const message = await createMessage(tenant, { subject: 'Private plans' })
      const { user: intruder } = await createUser({ role })

      const response = await postForm(client, `/messages/${message.id}/test-send`).loginAs(intruder)
      response.assertStatus(404)
      assert.lengthOf(smtp.messagesTo(intruder.email), 0)
    })
  }

  test('needs a confirmed address', async ({ client, assert }) => {
    const { user, tenant } = await createUser({ verified: false })
    const message = await createMessage(tenant)

    const response = await postForm(client, `/messages/${message.id}/test-send`).loginAs(user)
    response.assertFlashMessage('error', 'Confirm your email address first: tests are sent to it.')
    assert.lengthOf(smtp.messagesTo(user.email), 0)
  })

  test('needs a CSRF token', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant)

    const response = await client
      .post(`/messages/${message.id}/test-send`)
      .loginAs(user)
      .redirects(0)
    assert.notProperty(response.flashMessages() ?? {}, 'success')
    assert.lengthOf(smtp.messagesTo(user.email), 0)
  })
})

test.group('Test sends: a mailing', () => {
  test('sends the mailing’s message to the owner, marked as a test', async ({ client, assert }) => {
    const { user, tenant } = await createUser({ fullName: 'Grace Hopper' })
    const mailing = await createMailing(tenant)
    await mailing.load('message')

    const page = await client.get(`/mailings/${mailing.id}`).loginAs(user)
    page.assertTextIncludes(`action="/mailings/${mailing.id}/test-send"`)

    const response = await postForm(client, `/mailings/${mailing.id}/test-send`).loginAs(user)
    response.assertHeader('location', `/mailings/${mailing.id}`)
    response.assertFlashMessage(
      'success',
      `A test is on its way to ${user.email}. It can take a minute to arrive.`
    )

    const expectedSubject = `[Test] ${mailing.message.subject.replace('{{ client.full_name }}', 'Grace Hopper')}`
    const mail = await smtp.waitForMailTo(user.email, expectedSubject)
    assert.equal(mail.parsed.subject, expectedSubject)
    assert.equal(rawHeader(mail.raw, 'X-Mailings-Test'), '1')
    assert.include(
      mail.parsed.text ?? '',
      `Hi Grace Hopper, news from us. Unsubscribe: ${EXAMPLE_LINK}`
    )
  })

  for (const role of ['user', 'manager', 'admin'] as Role[]) {
    test(`another workspace’s mailing answers 404 to ${role === 'admin' ? 'an' : 'a'} ${role}`, async ({
      client,
      assert,
    }) => {
      const { tenant } = await createUser()
      const mailing = await createMailing(tenant)
      const { user: intruder } = await createUser({ role })

      const response = await postForm(client, `/mailings/${mailing.id}/test-send`).loginAs(intruder)
      response.assertStatus(404)
      assert.lengthOf(smtp.messagesTo(intruder.email), 0)
    })
  }

  test('staff looking at another workspace’s mailing see no test button', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const mailing = await createMailing(tenant)
    const { user: manager } = await createUser({ role: 'manager' })

    const page = await client.get(`/mailings/${mailing.id}`).loginAs(manager)
    page.assertStatus(200)
    assert.notInclude(page.text(), 'Send a test to me')
  })
})

test.group('Test sends: rate limit', () => {
  test(`allows ${TEST_SENDS_PER_WINDOW} tests per user in 10 minutes, then says to wait`, async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant, { subject: 'Rate limited' })
    const mailing = await createMailing(tenant)
    const send = (path: string) => postForm(client, path).loginAs(user)

    // Messages and mailings share the user's allowance.
    for (let i = 0; i < TEST_SENDS_PER_WINDOW; i++) {
      const path = i % 2 ? `/mailings/${mailing.id}/test-send` : `/messages/${message.id}/test-send`
      const response = await send(path)
      assert.match(String(response.flashMessages()?.success), /^A test is on its way/)
    }

    const refused = await send(`/messages/${message.id}/test-send`)
    refused.assertStatus(302)
    assert.match(
      String(refused.flashMessages()?.error),
      new RegExp(
        `^You have sent ${TEST_SENDS_PER_WINDOW} tests in the last 10 minutes\\. Please wait \\d+ minutes? before sending another\\.$`
      )
    )

    // Another user is not held back.
    const { user: colleague, tenant: colleagueTenant } = await createUser()
    const theirs = await createMessage(colleagueTenant)
    const allowed = await postForm(client, `/messages/${theirs.id}/test-send`).loginAs(colleague)
    assert.property(allowed.flashMessages(), 'success')

    await smtp.waitFor(() => smtp.messagesTo(user.email).length >= TEST_SENDS_PER_WINDOW)
    assert.lengthOf(smtp.messagesTo(user.email), TEST_SENDS_PER_WINDOW)
  })
})
