import { test } from '@japa/runner'
import { unsubscribeUrl } from '#sending/unsubscribe_links'
import { smtp } from '#tests/helpers/peers'
import { createUser } from '#tests/helpers/users'
import { logInThroughForm } from '#tests/helpers/browser'
import { createMessage } from '#tests/functional/messages/helpers'

test.group('Unsubscribe in the browser', () => {
  test('a reader opens their link, confirms, and is unsubscribed', async ({ visit, assert }) => {
    const { tenant } = await createUser()
    tenant.name = 'Atelier Vert'
    await tenant.save()
    const reader = await tenant
      .related('clients')
      .create({ email: `rosalind-${Date.now()}@example.com`, fullName: 'Rosalind Franklin' })

    const link = new URL(unsubscribeUrl(reader)).pathname
    const page = await visit(link)
    await page.assertTextContains('h1', 'Unsubscribe from Atelier Vert?')
    await page.assertTextContains('[data-testid="masked-email"]', '@example.com')
    await reader.refresh()
    assert.isNull(reader.unsubscribedAt)

    await page.getByRole('button', { name: 'Unsubscribe' }).click()
    await page.assertTextContains('h1', 'You are unsubscribed')
    await page.assertTextContains('main', 'Atelier Vert will not send mailings to')
    await reader.refresh()
    assert.isNotNull(reader.unsubscribedAt)

    // Coming back later says so instead of asking again.
    await page.goto(new URL(link, page.url()).href)
    await page.assertTextContains('h1', 'You are already unsubscribed')
    await page.assertNotExists('button:text-is("Unsubscribe")')
    await page.assertExists('button:text-is("Resubscribe")')
  })

  test('a user sends a test of a message to themselves', async ({ visit }) => {
    const { user, tenant } = await createUser({ fullName: 'Katherine Johnson' })
    const message = await createMessage(tenant, {
      subject: 'Orbit report for {{ client.full_name }}',
      bodyText: 'Hello {{ client.full_name }}. Leave: {{ unsubscribe_url }}',
    })

    const page = await visit('/login')
    await logInThroughForm(page, user.email)
    await page.goto(new URL(`/messages/${message.id}`, page.url()).href)
    await page.getByRole('button', { name: 'Send a test to me' }).click()

    await page.assertTextContains('.alert-success', `A test is on its way to ${user.email}`)
    await smtp.waitForMailTo(user.email, '[Test] Orbit report for Katherine Johnson')
  })
})
