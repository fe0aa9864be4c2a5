import { test } from '@japa/runner'
import SuppressAddress from '#actions/suppressions/suppress_address'
import { createUser, STRONG_PASSWORD } from '#tests/helpers/users'

test.group('Suppressions in the browser', () => {
  test('a user finds the list under Clients, adds an address, removes a complaint only once confirmed, and cannot remove an unsubscribe', async ({
    visit,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await SuppressAddress.handle({
      tenantId: tenant.id,
      email: 'angry@example.com',
      reason: 'complaint',
      source: 'arf',
      detail: 'Reported as spam',
    })
    await SuppressAddress.handle({
      tenantId: tenant.id,
      email: 'left@example.com',
      reason: 'unsubscribed',
      source: 'unsubscribe',
    })
    const page = await visit('/login')
    await page.getByLabel('Email').fill(user.email)
    await page.getByLabel('Password').fill(STRONG_PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL('**/dashboard')

    await page.getByRole('link', { name: 'Clients', exact: true }).click()
    await page.getByRole('link', { name: 'Suppression list' }).click()
    await page.assertTextContains('[data-testid="suppressions-table"]', 'angry@example.com')
    // An unsubscribe is the recipient's: no Remove button, and the row says why.
    assert.equal(await page.getByRole('button', { name: 'Remove left@example.com' }).count(), 0)
    await page.assertTextContains(
      '[data-testid="unsubscribed-note"]',
      'They unsubscribed: only they can subscribe again.'
    )

    await page.getByLabel('Email').fill('Gone@Example.com')
    await page.getByLabel('Note (optional)').fill('Asked by phone')
    await page.getByRole('button', { name: 'Suppress' }).click()
    await page.assertTextContains('.alert-success', 'gone@example.com is on the suppression list')
    await page.assertTextContains('[data-testid="suppressions-table"]', 'Asked by phone')

    await page.getByRole('button', { name: 'Remove angry@example.com' }).click()
    await page.assertTextContains('.alert-danger', 'Tick the box to confirm')
    await page.assertTextContains('[data-testid="suppressions-table"]', 'angry@example.com')

    await page.getByLabel('They asked for my mail again').check()
    await page.getByRole('button', { name: 'Remove angry@example.com' }).click()
    await page.assertTextContains('.alert-success', 'angry@example.com is off the suppression list')
    const table = await page.getByTestId('suppressions-table').textContent()
    assert.notInclude(table, 'angry@example.com')
    assert.include(table, 'gone@example.com')
  }).timeout(60_000)
})
