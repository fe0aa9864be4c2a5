import { test } from '@japa/runner'
import { createUser } from '#tests/helpers/users'
import { logInThroughForm } from '#tests/helpers/browser'
import { createClients, createMessage } from '#tests/helpers/workspace'

test.group('Mailings in the browser', () => {
  test('a user schedules a mailing to clients picked by search', async ({ visit, assert }) => {
    const { user, tenant } = await createUser({ fullName: 'Grace Owner' })
    await createMessage(tenant, { subject: 'Our spring collection' })
    const clients = await createClients(tenant, 30)
    const [first, second] = [clients[3], clients[17]]

    const page = await visit('/login')
    await logInThroughForm(page, user.email)

    await page.locator('#main-nav').getByRole('link', { name: 'Mailings' }).click()
    await page.getByRole('link', { name: 'New mailing' }).first().click()
    await page.getByLabel('Name').fill('Spring launch')
    await page.getByLabel('Message').selectOption({ label: 'Our spring collection' })
    await page.getByLabel('Chosen clients').check()

    for (const client of [first, second]) {
      await page.getByLabel('Search clients').fill(client.email)
      await page.getByRole('button', { name: new RegExp(client.email) }).click()
    }
    await page.assertTextContains('[data-picker-count]', '2')

    await page.getByLabel('Repeat').selectOption('weekly')
    await page.getByLabel('Start', { exact: true }).fill('2031-03-02T09:30')
    await page.getByLabel('End', { exact: true }).fill('2031-05-01T09:30')
    await page.getByRole('button', { name: 'Create mailing' }).click()

    await page.assertTextContains('.alert-success', 'Mailing "Spring launch" is scheduled.')
    await page.assertTextContains('[data-testid="mailing-status"]', 'created')
    await page.assertTextContains('[data-testid="recipients-count"]', '2 chosen clients')
    await page.assertTextContains('[data-testid="next-run"]', '2 Mar 2031, 09:30')

    await page.getByRole('button', { name: 'Pause' }).click()
    await page.assertTextContains('[data-testid="status-reason"]', 'Paused by Grace Owner')
    assert.include(await page.content(), 'Resume')
  })

  test('form errors show beside their fields', async ({ visit }) => {
    const { user, tenant } = await createUser()
    await createMessage(tenant)

    const page = await visit('/login')
    await logInThroughForm(page, user.email)

    await page.goto(new URL('/mailings/create', page.url()).href)
    await page.getByLabel('Name').fill('Backwards')
    await page.getByLabel('Start', { exact: true }).fill('2031-03-02T09:30')
    await page.getByLabel('End', { exact: true }).fill('2031-03-01T09:30')
    await page.getByRole('button', { name: 'Create mailing' }).click()

    await page.assertTextContains('[data-testid="error-messageId"]', 'Choose the message to send')
    await page.assertTextContains('[data-testid="error-endAt"]', 'The end must be after the start')
    await page.assertInputValue('[name="name"]', 'Backwards')
  })
})
