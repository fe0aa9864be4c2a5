import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import env from '#start/env'
import { createUser } from '#tests/helpers/users'
import { logInThroughForm } from '#tests/helpers/browser'
import { createMailing } from '#tests/helpers/workspace'

test.group('The admin panel in the browser', () => {
  test('a manager disables a mailing and blocks its owner, who is logged out', async ({
    visit,
    browser,
    assert,
  }) => {
    const { user: manager } = await createUser({ role: 'manager', fullName: 'Mona Manager' })
    const { user: owner, tenant } = await createUser({ fullName: 'Olivia Owner' })
    const mailing = await createMailing(tenant, {
      name: 'Too good to be true',
      status: 'running',
      startAt: DateTime.now().minus({ hours: 1 }),
    })

    // The owner has a session of their own, in another browser.
    const ownerContext = await browser.newContext({ baseURL: env.get('APP_URL') })
    const ownerPage = await ownerContext.newPage()
    await ownerPage.goto('/login')
    await logInThroughForm(ownerPage, owner.email)

    const page = await visit('/login')
    await logInThroughForm(page, manager.email)
    await page.locator('#main-nav').getByRole('link', { name: 'Admin' }).click()
    await page.getByTestId('admin-nav').getByRole('link', { name: 'Mailings' }).click()
    await page.getByLabel('Status').selectOption('running')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.getByRole('link', { name: 'Too good to be true' }).click()

    // Read-only: the owner's controls are not there.
    assert.equal(await page.getByRole('link', { name: 'Edit' }).count(), 0)
    assert.equal(await page.getByRole('button', { name: 'Pause' }).count(), 0)

    await page.getByRole('button', { name: 'Disable' }).click()
    await page.assertTextContains('[data-testid="error-reason"]', 'Please give the reason')
    await page.getByLabel('Reason (shown to the owner)').fill('Misleading offer, reported twice')
    await page.getByRole('button', { name: 'Disable' }).click()
    await page.assertTextContains('.alert-success', 'is disabled')
    await page.assertTextContains('[data-testid="mailing-status"]', 'disabled')
    await page.assertTextContains('[data-testid="status-reason"]', 'Disabled by Mona Manager')

    await ownerPage.goto(`/mailings/${mailing.id}`)
    const notice = await ownerPage.getByTestId('status-reason').textContent()
    assert.include(notice, 'by Mona Manager on')
    assert.include(notice, 'Misleading offer, reported twice')
    assert.equal(await ownerPage.getByRole('button', { name: 'Resume' }).count(), 0)

    await page.getByTestId('admin-nav').getByRole('link', { name: 'Users' }).click()
    await page.getByLabel('Email or name').fill(owner.email)
    await page.getByRole('button', { name: 'Search' }).click()
    await page.getByRole('link', { name: 'Olivia Owner' }).click()
    await page.getByLabel('Reason').fill('Fraudulent offers')
    await page.getByRole('button', { name: 'Block' }).click()
    await page.assertTextContains('[data-testid="user-status"]', 'blocked')

    // The owner's next click ends their session.
    await ownerPage.reload()
    await ownerPage.waitForURL('**/login')
    assert.include(await ownerPage.content(), 'Your account has been blocked')
    await ownerContext.close()
  })
})
