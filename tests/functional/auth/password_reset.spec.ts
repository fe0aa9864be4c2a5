import { test } from '@japa/runner'
import hash from '@adonisjs/core/services/hash'
import { smtp } from '#tests/helpers/peers'
import { createUser } from '#tests/helpers/users'
import { resetLinkIn, submitNewPassword } from '#tests/helpers/account_mail'
import { postForm } from '#tests/helpers/forms'

const NEW_PASSWORD = 'amber-lighthouse-91-quartz'

test.group('Password reset', () => {
  test('mails a single-use link that sets a new password', async ({ client, assert }) => {
    const { user } = await createUser()

    const request = await postForm(client, '/forgot-password', { email: user.email })
    request.assertStatus(302)

    const mail = await smtp.waitForMailTo(user.email, 'Reset your Mailings password')
    const link = resetLinkIn(mail.parsed.text ?? '')

    const form = await client.get(link)
    form.assertStatus(200)
    form.assertTextIncludes('Choose a new password')

    const reset = await submitNewPassword(client, link, NEW_PASSWORD)
    reset.assertHeader('location', '/login')

    await user.refresh()
    assert.isTrue(await hash.verify(user.password, NEW_PASSWORD))

    const again = await submitNewPassword(client, link, 'second-try-phrase-77')
    again.assertStatus(400)
    again.assertTextIncludes('expired or was already used')
    await user.refresh()
    assert.isTrue(await hash.verify(user.password, NEW_PASSWORD))
  })

  test('answers the same for an unknown email and sends nothing', async ({ client, assert }) => {
    const email = `nobody-${Date.now()}@example.com`
    const response = await postForm(client, '/forgot-password', { email })
    response.assertFlashMessage(
      'success',
      `If an account uses ${email}, a reset link is on its way. It works once, for one hour. ` +
        `(We send only a few an hour to one address: if none arrives, try again later.)`
    )
    assert.lengthOf(smtp.messagesTo(email), 0)
  })

  test('refuses a link whose signature was tampered with', async ({ client }) => {
    const { user } = await createUser()
    await postForm(client, '/forgot-password', { email: user.email })
    const mail = await smtp.waitForMailTo(user.email, 'Reset your Mailings password')
    const link = resetLinkIn(mail.parsed.text ?? '').replace(/signature=[^&]+/, 'signature=forged')

    const response = await client.get(link)
    response.assertStatus(400)
  })

  test('checks the new password like at sign-up', async ({ client }) => {
    const { user } = await createUser()
    await postForm(client, '/forgot-password', { email: user.email })
    const mail = await smtp.waitForMailTo(user.email, 'Reset your Mailings password')

    const response = await submitNewPassword(client, resetLinkIn(mail.parsed.text), 'qwerty12345')
    response.assertFlashMessage('inputErrorsBag', {
      password: [
        'This password is too common or too easy to guess. Try a longer phrase of unrelated words.',
      ],
    })
  })
})
