import { test } from '@japa/runner'
import User from '#models/user'
import { smtp } from '#tests/helpers/peers'
import { createUser, STRONG_PASSWORD } from '#tests/helpers/users'
import { postForm } from '#tests/helpers/forms'

const validForm = (email: string) => ({
  fullName: 'Ada Lovelace',
  email,
  workspaceName: 'Analytical Engines Ltd',
  password: STRONG_PASSWORD,
  passwordConfirmation: STRONG_PASSWORD,
  timeZone: 'Europe/Paris',
})

test.group('Sign up', () => {
  test('creates the user and their workspace, mails a confirmation link and asks to check the inbox', async ({
    client,
    assert,
  }) => {
    const email = `ada-${Date.now()}@example.com`
    const response = await postForm(client, '/signup', {
      ...validForm(email),
      email: `  ${email.toUpperCase()} `,
    })

    response.assertStatus(200)
    response.assertTextIncludes('Check your inbox')
    // Not logged in: the same answer as for a taken address (below) must
    // not open a session.
    assert.isUndefined(response.cookie('remember_web'))

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

    const login = await postForm(client, '/login', { email, password: STRONG_PASSWORD })
    login.assertHeader('location', '/dashboard')
  })

  test('reports each invalid field beside the form and keeps the input', async ({ client }) => {
    const response = await postForm(client, '/signup', {
      fullName: '',
      email: 'not-an-email',
      password: 'short',
      passwordConfirmation: 'x',
    })

    response.assertStatus(302)
    response.assertFlashMessage('inputErrorsBag', {
      fullName: ['Please fill in the name'],
      email: ['Enter a valid email address'],
      password: ['The password must be at least 10 characters long'],
    })
    response.assertFlashMessage('email', 'not-an-email')
  })

  test('refuses a common password', async ({ client }) => {
    const response = await postForm(client, '/signup', {
      ...validForm('common@example.com'),
      password: 'password123',
      passwordConfirmation: 'password123',
    })

    response.assertFlashMessage('inputErrorsBag', {
      password: [
        'This password is too common or too easy to guess. Try a longer phrase of unrelated words.',
      ],
    })
  })

  test('refuses passwords that do not match', async ({ client }) => {
    const response = await postForm(client, '/signup', {
      ...validForm('mismatch@example.com'),
      passwordConfirmation: 'another-long-phrase-9',
    })

    response.assertFlashMessage('inputErrorsBag', { password: ['The two passwords do not match'] })
  })

  test('a taken address, whatever its case, gets the same page as a new one and its owner a reminder', async ({
    client,
    assert,
  }) => {
    const { user } = await createUser()
    const samePage = (text: string, email: string) =>
      text.replace(/name="_csrf" value="[^"]*"/g, '').replaceAll(email, '<email>')

    const fresh = `fresh-${Date.now()}@example.com`
    const forNew = await postForm(client, '/signup', validForm(fresh))
    const forTaken = await postForm(client, '/signup', validForm(user.email.toUpperCase()))

    forTaken.assertStatus(forNew.status())
    assert.equal(samePage(forTaken.text(), user.email), samePage(forNew.text(), fresh))
    assert.lengthOf(await User.query().where('email', user.email), 1)

    const reminder = await smtp.waitForMailTo(user.email, 'You already have a Mailings account')
    assert.include(reminder.parsed.text ?? '', 'http://localhost:3334/forgot-password')
  })

  test('refuses a form without its CSRF token', async ({ client, assert }) => {
    const response = await client.post('/signup').form(validForm('csrf@example.com')).redirects(0)
    response.assertStatus(302)
    assert.isNull(await User.findBy('email', 'csrf@example.com'))
  })

  test('falls back to UTC for an unknown time zone', async ({ client, assert }) => {
    const email = `tz-${Date.now()}@example.com`
    await postForm(client, '/signup', { ...validForm(email), timeZone: 'Mars/Olympus_Mons' })

    const user = await User.query().where('email', email).preload('tenant').firstOrFail()
    assert.equal(user.tenant.timeZone, 'UTC')
  })
})
