import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import type { ApiClient } from '@japa/api-client'
import type User from '#models/user'
import { createUser, STRONG_PASSWORD } from '#tests/helpers/users'
import { newIp, throughTrustedProxy } from '#tests/helpers/proxy'
import { smtp } from '#tests/helpers/peers'
import { resetLinkIn, submitNewPassword } from '#tests/helpers/account_mail'
import { postForm } from '#tests/helpers/forms'

const NEW_PASSWORD = 'amber-lighthouse-91-quartz'
const LOCKED = 'Too many log-in attempts. Please wait 15 minutes and try again.'

/**
 * A log-in from a browser that holds `device` (the login_devices cookie a
 * browser got after an earlier successful log-in), or from a new one.
 */
function logIn(client: ApiClient, email: string, password: string, device?: unknown) {
  const request = postForm(client, '/login', { email, password })
  if (device) request.withEncryptedCookie('login_devices', device)
  return request
}

/**
 * The owner logs in once (their browser keeps the device cookie), then an
 * attacker behind five different IPs locks the email with wrong passwords.
 */
async function ownerThenAttack(client: ApiClient, user: User) {
  const first = await logIn(client, user.email, STRONG_PASSWORD)
  first.assertHeader('location', '/dashboard')
  const device = first.cookie('login_devices')?.value

  const answers: string[] = []
  for (let i = 0; i < 5; i++) {
    const response = await throughTrustedProxy(
      postForm(client, '/login', { email: user.email, password: `guess-number-${i}` }),
      newIp()
    )
    answers.push(String(response.flashMessages().error))
  }
  return { device, answers }
}

test.group('Log in and log out', () => {
  test('logs in with the right password, whatever the email case', async ({ client, assert }) => {
    const { user } = await createUser()
    const response = await postForm(client, '/login', {
      email: user.email.toUpperCase(),
      password: STRONG_PASSWORD,
    })

    response.assertStatus(302)
    response.assertHeader('location', '/dashboard')
    await user.refresh()
    assert.isNotNull(user.lastLoginAt)
  })

  test('refuses a wrong password with a sentence', async ({ client }) => {
    const { user } = await createUser()
    const response = await postForm(client, '/login', {
      email: user.email,
      password: 'not-the-password-at-all',
    })

    response.assertHeader('location', '/login')
    response.assertFlashMessage('error', 'Wrong email or password.')
  })

  test('"remember me" sets a long-lived cookie', async ({ client, assert }) => {
    const { user } = await createUser()
    const response = await postForm(client, '/login', {
      email: user.email,
      password: STRONG_PASSWORD,
      rememberMe: 'true',
    })

    assert.exists(response.cookie('remember_web'))
  })

  test('locks an email out after five failed attempts, with a clear message', async ({
    client,
  }) => {
    const { user } = await createUser()
    const attempt = (password: string) =>
      postForm(client, '/login', { email: user.email, password })

    for (let i = 0; i < 4; i++) {
      const response = await attempt('wrong-password-guess')
      response.assertFlashMessage('error', 'Wrong email or password.')
    }
    const fifth = await attempt('wrong-password-guess')
    fifth.assertFlashMessage(
      'error',
      'Too many log-in attempts. Please wait 15 minutes and try again.'
    )

    // Even the right password is refused while the lock lasts.
    const locked = await attempt(STRONG_PASSWORD)
    locked.assertHeader('location', '/login')
    locked.assertFlashMessage(
      'error',
      'Too many log-in attempts. Please wait 15 minutes and try again.'
    )
  })

  test('a burst of parallel guesses gets no more tries than one after another', async ({
    client,
    assert,
  }) => {
    const { user } = await createUser()
    // Fifteen wrong guesses, then the right password five times, all sent at
    // once, each from its own address: only the email's counter (5) stands in
    // the way. Attempts used to be counted after the password check, so every
    // one of them was checked.
    const passwords = [
      ...Array.from({ length: 15 }, (_, i) => `parallel-guess-${i}`),
      ...Array.from({ length: 5 }, () => STRONG_PASSWORD),
    ]
    const answers = await Promise.all(
      passwords.map((password) =>
        throughTrustedProxy(postForm(client, '/login', { email: user.email, password }), newIp())
      )
    )
    // Every password checked answers either "wrong" or the dashboard; the
    // rest were refused unchecked. Five checks at most, as one after another.
    const loggedIn = answers.filter((r) => r.header('location') === '/dashboard')
    const wrong = answers.filter((r) => r.flashMessages().error === 'Wrong email or password.')
    assert.isAtMost(wrong.length + loggedIn.length, 5)
  })

  test('strangers from rotating IPs lock the email; the owner in a browser used before still gets in', async ({
    client,
    assert,
  }) => {
    const { user } = await createUser()
    const { device, answers } = await ownerThenAttack(client, user)

    // The attacker is stopped after five guesses, even with the password.
    assert.deepEqual(answers, [...Array(4).fill('Wrong email or password.'), LOCKED])
    const stranger = await logIn(client, user.email, STRONG_PASSWORD)
    stranger.assertFlashMessage('error', LOCKED)

    const owner = await logIn(client, user.email, STRONG_PASSWORD, device)
    owner.assertHeader('location', '/dashboard')
  })

  test('on a new browser the owner gets past the lock by resetting the password', async ({
    client,
  }) => {
    const { user } = await createUser()
    await ownerThenAttack(client, user)

    await postForm(client, '/forgot-password', { email: user.email })
    const mail = await smtp.waitForMailTo(user.email, 'Reset your Mailings password')
    const reset = await submitNewPassword(client, resetLinkIn(mail.parsed.text), NEW_PASSWORD)
    reset.assertHeader('location', '/login')

    const stranger = await logIn(client, user.email, NEW_PASSWORD)
    stranger.assertFlashMessage('error', LOCKED)
    const owner = await logIn(
      client,
      user.email,
      NEW_PASSWORD,
      reset.cookie('login_devices')?.value
    )
    owner.assertHeader('location', '/dashboard')
  })

  test("a known browser's own mistakes are limited too, without locking the email", async ({
    client,
  }) => {
    const { user } = await createUser()
    const first = await logIn(client, user.email, STRONG_PASSWORD)
    const device = first.cookie('login_devices')?.value

    for (let i = 0; i < 9; i++) {
      const response = await logIn(client, user.email, 'typo-in-password', device)
      response.assertFlashMessage('error', 'Wrong email or password.')
    }
    const tenth = await logIn(client, user.email, 'typo-in-password', device)
    tenth.assertFlashMessage('error', LOCKED)
    const again = await logIn(client, user.email, STRONG_PASSWORD, device)
    again.assertFlashMessage('error', LOCKED)

    // Its count is its own: another browser is not locked out by it.
    const elsewhere = await logIn(client, user.email, STRONG_PASSWORD)
    elsewhere.assertHeader('location', '/dashboard')
  })

  test("a device cookie of another account or a forged one does not pass an email's lock", async ({
    client,
  }) => {
    const { user } = await createUser()
    const { user: attacker } = await createUser()
    const own = await logIn(client, attacker.email, STRONG_PASSWORD)
    const attackersDevice = own.cookie('login_devices')?.value
    await ownerThenAttack(client, user)

    const withOtherAccounts = await logIn(client, user.email, STRONG_PASSWORD, attackersDevice)
    withOtherAccounts.assertFlashMessage('error', LOCKED)

    const forged = await postForm(client, '/login', {
      email: user.email,
      password: STRONG_PASSWORD,
    }).withCookie('login_devices', [{ email: user.email, token: 'made-up' }])
    forged.assertFlashMessage('error', LOCKED)
  })

  test('a blocked user cannot log in', async ({ client }) => {
    const { user } = await createUser()
    user.blockedAt = DateTime.now()
    await user.save()

    const response = await postForm(client, '/login', {
      email: user.email,
      password: STRONG_PASSWORD,
    })

    response.assertHeader('location', '/login')
    response.assertFlashMessage(
      'error',
      'This account has been blocked. Contact support if you think this is a mistake.'
    )
  })

  test('a user blocked during their session is logged out on their next request', async ({
    client,
  }) => {
    const { user } = await createUser()
    const before = await client.get('/dashboard').loginAs(user)
    before.assertStatus(200)

    user.blockedAt = DateTime.now()
    await user.save()

    const after = await client.get('/dashboard').loginAs(user).redirects(0)
    after.assertStatus(302)
    after.assertHeader('location', '/login')
  })

  test('log out ends the session', async ({ client }) => {
    const { user } = await createUser()
    const response = await postForm(client, '/logout').loginAs(user)
    response.assertHeader('location', '/')
    response.assertFlashMessage('success', 'You are logged out.')
  })

  test('workspace pages send guests to the log-in page', async ({ client }) => {
    for (const path of ['/dashboard', '/settings/profile', '/admin']) {
      const response = await client.get(path).redirects(0)
      response.assertStatus(302)
      response.assertHeader('location', '/login')
    }
  })

  test('logged-in users are sent from log-in and sign-up to their dashboard', async ({
    client,
  }) => {
    const { user } = await createUser()
    for (const path of ['/login', '/signup']) {
      const response = await client.get(path).loginAs(user).redirects(0)
      response.assertHeader('location', '/dashboard')
    }
  })
})
