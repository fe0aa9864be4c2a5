import { test } from '@japa/runner'
import User from '#models/user'
import { smtp } from '#tests/helpers/peers'
import { createUser, STRONG_PASSWORD } from '#tests/helpers/users'

const validForm = (email: string) => ({
  fullName: 'Ada Lovelace',
  email,
  workspaceName: 'Analytical Engines Ltd',
  password: STRONG_PASSWORD,
  passwordConfirmation: STRONG_PASSWORD,
  timeZone: 'Europe/Paris',
})

test.group('Sign up', () => {
  test('creates the user and their workspace, logs them in and mails a verification link', async ({
    client,
    assert,
  }) => {
    const email = `ada-${Date.now()}@example.com`
    const response = await client
      .post('/signup')
      .form({ ...validForm(email), email: `  ${email.toUpperCase()} ` })
      .withCsrfToken()
      .redirects(0)

    response.assertStatus(302)
    response.assertHeader('location', '/dashboard')

    const user = await User.query().where('email', email).preload('tenant').firstOrFail()
    assert.equal(user.fullName, 'Ada Lovelace')
    assert.equal(user.role, 'user')
    assert.isNull(user.emailVerifiedAt)
    assert.equal(user.tenant.name, 'Analytical Engines Ltd')
    assert.equal(user.tenant.timeZone, 'Europe/Paris')
    assert.notEqual(user.password, STRONG_PASSWORD)

    const mail = await smtp.waitForMailTo(email, 'Confirm your email')
    assert.match(
      mail.parsed.text ?? '',
      /http:\/\/localhost:3334\/verify-email\/\d+\/\w+\?signature=/
    )
  })

  test('reports each invalid field beside the form and keeps the input', async ({ client }) => {
    const response = await client
      .post('/signup')
      .form({ fullName: '', email: 'not-an-email', password: 'short', passwordConfirmation: 'x' })
      .withCsrfToken()
      .redirects(0)

    response.assertStatus(302)
    response.assertFlashMessage('inputErrorsBag', {
      fullName: ['Please fill in the name'],
      email: ['Enter a valid email address'],
      password: ['The password must be at least 10 characters long'],
    })
    response.assertFlashMessage('email', 'not-an-email')
  })

  test('refuses a common password', async ({ client }) => {
    const response = await client
      .post('/signup')
      .form({
        ...validForm('common@example.com'),
        password: 'password123',
        passwordConfirmation: 'password123',
      })
      .withCsrfToken()
      .redirects(0)

    response.assertFlashMessage('inputErrorsBag', {
      password: [
        'This password is too common or too easy to guess. Try a longer phrase of unrelated words.',
      ],
    })
  })

  test('refuses passwords that do not match', async ({ client }) => {
    const response = await client
      .post('/signup')
      .form({ ...validForm('mismatch@example.com'), passwordConfirmation: 'another-long-phrase-9' })
      .withCsrfToken()
      .redirects(0)

    response.assertFlashMessage('inputErrorsBag', { password: ['The two passwords do not match'] })
  })

  test('refuses an email that already has an account, whatever its case', async ({ client }) => {
    const { user } = await createUser()
    const response = await client
      .post('/signup')
      .form(validForm(user.email.toUpperCase()))
      .withCsrfToken()
      .redirects(0)

    response.assertFlashMessage('inputErrorsBag', {
      email: ['An account with this email already exists. Try logging in instead'],
    })
  })

  test('refuses a form without its CSRF token', async ({ client, assert }) => {
    const response = await client.post('/signup').form(validForm('csrf@example.com')).redirects(0)
    response.assertStatus(302)
    assert.isNull(await User.findBy('email', 'csrf@example.com'))
  })

  test('falls back to UTC for an unknown time zone', async ({ client, assert }) => {
    const email = `tz-${Date.now()}@example.com`
    await client
      .post('/signup')
      .form({ ...validForm(email), timeZone: 'Mars/Olympus_Mons' })
      .withCsrfToken()
      .redirects(0)

    const user = await User.query().where('email', email).preload('tenant').firstOrFail()
    assert.equal(user.tenant.timeZone, 'UTC')
  })
})
