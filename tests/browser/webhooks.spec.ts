import { test } from '@japa/runner'
import WebhookEndpoint from '#models/webhook_endpoint'
import { createUser } from '#tests/helpers/users'
import { logInThroughForm } from '#tests/helpers/browser'
import { waitUntil } from '#tests/helpers/wait'
import { startReceiver } from '#tests/functional/webhooks/receiver'

test.group('Webhooks in the browser', () => {
  test('on a phone, a user adds an endpoint, reveals its secret and sends a test event', async ({
    visit,
    assert,
    cleanup,
  }) => {
    const receiver = await startReceiver(cleanup)
    const { user, tenant } = await createUser()

    const page = await visit('/login')
    await page.setViewportSize({ width: 375, height: 740 })
    await logInThroughForm(page, user.email)
    await page.goto(new URL('/settings/webhooks', page.url()).href)
    await page.getByRole('link', { name: 'Add an endpoint' }).click()

    // A private address is refused beside the field.
    await page.getByLabel('URL').fill('http://169.254.169.254/latest/meta-data/')
    await page.getByRole('button', { name: 'Add the endpoint' }).click()
    await page.assertTextContains('[data-testid="error-url"]', 'private, loopback, link-local')

    await page.getByLabel('URL').fill(receiver.url())
    await page.getByLabel('mailing.run.started').uncheck()
    await page.getByRole('button', { name: 'Add the endpoint' }).click()
    await page.assertTextContains('.alert-success', 'The endpoint is added')

    const endpoint = await WebhookEndpoint.query().where('tenant_id', tenant.id).firstOrFail()
    assert.notInclude(endpoint.events, 'mailing.run.started')
    await page.getByText('Show the secret').click()
    await page.assertTextContains('[data-testid="endpoint-secret"]', endpoint.secret)

    await page.getByRole('button', { name: 'Send a test event' }).click()
    await page.assertTextContains('.alert-success', 'is on its way')
    await waitUntil('the test event', async () => receiver.received.length === 1)
    await page.reload()
    await page.assertTextContains('[data-testid="delivery-status"]', 'succeeded')

    // Nothing wider than the phone's screen.
    const overflow = await page.evaluate(() => {
      const { documentElement } = (globalThis as any).document
      return documentElement.scrollWidth - documentElement.clientWidth
    })
    assert.equal(overflow, 0)
  })
})
