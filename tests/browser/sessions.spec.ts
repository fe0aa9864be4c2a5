import { test } from '@japa/runner'
import { createUser } from '#tests/helpers/users'
import { logInThroughForm } from '#tests/helpers/browser'

test.group('Sessions in the browser', () => {
  test('Settings → Sessions shows both devices and logs the other one out', async ({
    visit,
    browser,
    assert,
  }) => {
    const { user } = await createUser()
    const laptop = await visit('/login')
    await logInThroughForm(laptop, user.email)

    const otherDevice = await browser.newContext()
    const phone = await otherDevice.newPage()
    await phone.goto(laptop.url())
    await logInThroughForm(phone, user.email)

    await laptop.goto(new URL('/settings/profile', laptop.url()).href)
    await laptop.getByRole('link', { name: 'Sessions' }).click()
    await laptop.waitForURL('**/settings/sessions')
    assert.equal(await laptop.getByTestId('session').count(), 2)
    await laptop.assertTextContains(
      '[data-testid="session"]:has([data-testid="this-device"])',
      'Chrome'
    )

    laptop.once('dialog', (dialog) => dialog.accept())
    await laptop.getByRole('button', { name: 'Log out everywhere else' }).click()
    await laptop.assertTextContains(
      '.alert-success',
      'You are logged out everywhere else (1 session)'
    )
    assert.equal(await laptop.getByTestId('session').count(), 1)

    await phone.reload()
    await phone.waitForURL('**/login')
    await otherDevice.close()
  })
})
