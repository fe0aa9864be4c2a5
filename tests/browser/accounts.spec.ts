import { test } from '@japa/runner'
import { smtp } from '#tests/helpers/peers'
import { createUser, STRONG_PASSWORD } from '#tests/helpers/users'
import { logInThroughForm } from '#tests/helpers/browser'
import { newIp, throughTrustedProxy } from '#tests/helpers/proxy'
import { postForm } from '#tests/helpers/forms'
import { linkIn } from '#tests/helpers/account_mail'

const PASSWORD = 'juniper-satellite-63-mosaic'

test.group('Accounts in the browser', () => {
  test('a new user signs up, confirms their email from the mail, logs in, out and back in', async ({
    visit,
    assert,
  }) => {
    const email = `browser-${Date.now()}@example.com`

    const page = await visit('/')
    await page.getByRole('link', { name: 'Create a free workspace' }).click()
    await page.getByLabel('Your name').fill('Margaret Hamilton')
    await page.getByLabel('Work email').fill(email)
    await page.getByLabel('Business name').fill('Apollo Guidance')
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await page.getByLabel('Repeat the password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Create my workspace' }).click()
    await page.assertTextContains('h1', 'Check your inbox')
    await page.assertTextContains('main', email)

    const mail = await smtp.waitForMailTo(email, 'Confirm your email')
    await page.goto(linkIn(mail.parsed.text, '/verify-email/'))
    await page.assertTextContains('.alert-success', 'Your email address is confirmed')
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()

    await page.waitForURL('**/dashboard')
    await page.assertTextContains('h1', 'Hello, Margaret')
    await page.assertNotExists('[data-testid="verify-banner"]')
    // The time zone came from the browser.
    await page.assertTextContains('main', 'times shown in UTC')

    await page.getByTestId('user-menu').click()
    await page.getByRole('button', { name: 'Log out' }).click()
    await page.assertTextContains('.alert-success', 'You are logged out.')

    await page.getByRole('link', { name: 'Log in' }).first().click()
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill('a-wrong-password-here')
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.assertTextContains('.alert-danger', 'Wrong email or password.')
    assert.equal(await page.getByLabel('Email').inputValue(), email)

    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL('**/dashboard')
    await page.assertTextContains('h1', 'Hello, Margaret')
  })

  test('sign-up errors show beside their fields', async ({ visit }) => {
    const page = await visit('/signup')
    await page.getByLabel('Your name').fill('M')
    await page.getByLabel('Work email').fill('not-an-email')
    await page.getByLabel('Password', { exact: true }).fill('password1')
    await page.getByRole('button', { name: 'Create my workspace' }).click()

    await page.assertTextContains('[data-testid="error-email"]', 'Enter a valid email address')
    await page.assertTextContains('[data-testid="error-password"]', 'at least 10 characters')
    await page.assertTextContains('[data-testid="error-fullName"]', 'at least 2 characters')
    await page.assertInputValue('[name="email"]', 'not-an-email')
  })

  test('a user who forgot their password resets it from the mailed link', async ({ visit }) => {
    const { user } = await createUser({ fullName: 'Katherine Johnson' })

    const page = await visit('/login')
    await page.getByRole('link', { name: 'Forgot your password?' }).click()
    await page.getByLabel('Email').fill(user.email)
    await page.getByRole('button', { name: 'Send me a reset link' }).click()
    await page.assertTextContains('.alert-success', 'a reset link is on its way')

    const mail = await smtp.waitForMailTo(user.email, 'Reset your Mailings password')
    await page.goto(linkIn(mail.parsed.text, '/reset-password/'))
    await page.getByLabel('New password', { exact: true }).fill(PASSWORD)
    await page.getByLabel('Repeat the new password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Save my new password' }).click()
    await page.assertTextContains('.alert-success', 'Your password has been changed')

    await page.getByLabel('Email').fill(user.email)
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL('**/dashboard')
    await page.assertTextContains('h1', 'Hello, Katherine')
  })

  test('the owner gets in from their usual browser while strangers have locked the account', async ({
    visit,
    browser,
    client,
  }) => {
    const { user } = await createUser({ fullName: 'Grace Hopper' })
    const page = await visit('/login')
    await logInThroughForm(page, user.email)
    await page.getByTestId('user-menu').click()
    await page.getByRole('button', { name: 'Log out' }).click()

    // Five wrong passwords from five addresses lock the email.
    for (let i = 0; i < 5; i++) {
      await throughTrustedProxy(
        postForm(client, '/login', { email: user.email, password: `spray-${i}-guess` }),
        newIp()
      )
    }

    const newBrowser = await browser.newContext()
    const strangerPage = await newBrowser.newPage()
    await strangerPage.goto(new URL('/login', page.url()).href)
    await strangerPage.getByLabel('Email').fill(user.email)
    await strangerPage.getByLabel('Password').fill(STRONG_PASSWORD)
    await strangerPage.getByRole('button', { name: 'Log in' }).click()
    await strangerPage.locator('.alert-danger', { hasText: 'Too many log-in attempts' }).waitFor()
    await newBrowser.close()

    await logInThroughForm(page, user.email)
    await page.assertTextContains('h1', 'Hello, Grace')
  })
})
