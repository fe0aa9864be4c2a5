import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { createUser, STRONG_PASSWORD } from '#tests/helpers/users'

test.group('Log in and log out', () => {
  test('logs in with the right password, whatever the email case', async ({ client, assert }) => {
    const { user } = await createUser()
    const response = await client
      .post('/login')
      .form({ email: user.email.toUpperCase(), password: STRONG_PASSWORD })
      .withCsrfToken()
      .redirects(0)

    response.assertStatus(302)
    response.assertHeader('location', '/dashboard')
    await user.refresh()
    assert.isNotNull(user.lastLoginAt)
  })

  test('refuses a wrong password with a sentence', async ({ client }) => {
    const { user } = await createUser()
    const response = await client
      .post('/login')
      .form({ email: user.email, password: 'not-the-password-at-all' })
      .withCsrfToken()
      .redirects(0)

    response.assertHeader('location', '/login')
    response.assertFlashMessage('error', 'Wrong email or password.')
  })

  test('"remember me" sets a long-lived cookie', async ({ client, assert }) => {
    const { user } = await createUser()
    const response = await client
      .post('/login')
      .form({ email: user.email, password: STRONG_PASSWORD, rememberMe: 'true' })
      .withCsrfToken()
      .redirects(0)

    assert.exists(response.cookie('remember_web'))
  })

  test('locks an email out after five failed attempts, with a clear message', async ({
    client,
  }) => {
    const { user } = await createUser()
    const attempt = (password: string) =>
      client.post('/login').form({ email: user.email, password }).withCsrfToken().redirects(0)

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

  test('a blocked user cannot log in', async ({ client }) => {
    const { user } = await createUser()
    user.blockedAt = DateTime.now()
    await user.save()

    const response = await client
      .post('/login')
      .form({ email: user.email, password: STRONG_PASSWORD })
      .withCsrfToken()
      .redirects(0)

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
    const response = await client.post('/logout').loginAs(user).withCsrfToken().redirects(0)
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
