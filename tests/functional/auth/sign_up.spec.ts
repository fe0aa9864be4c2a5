import { test } from '@japa/runner'
import User from '#models/user'
import { smtp } from '#tests/helpers/peers'
import { createUser, STRONG_PASSWORD } from '#tests/helpers/users'
import { postForm } from '#tests/helpers/forms'
import { linkIn } from '#tests/helpers/account_mail'
import limiter from '@adonisjs/limiter/services/main'
import accountsConfig from '#config/accounts'
import { newIp, throughTrustedProxy, withForgedForwardedFor } from '#tests/helpers/proxy'

const validForm = (email: string) => ({
  fullName: 'Ada Lovelace',
  email,
  workspaceName: 'Analytical Engines Ltd',
  password: STRONG_PASSWORD,
  passwordConfirmation: STRONG_PASSWORD,
  timeZone: 'Europe/Paris',
})

test.group('Sign up', (group) => {
  const configured = { ...accountsConfig.signUp }
  group.each.setup(() => () => {
    Object.assign(accountsConfig.signUp, configured)
  })

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

    const user = await User.query().where('email', email).preload('lastTenant').firstOrFail()
    assert.equal(user.fullName, 'Ada Lovelace')
    assert.equal(user.role, 'user')
    assert.isNull(user.emailVerifiedAt)
    assert.equal(user.lastTenant.name, 'Analytical Engines Ltd')
    assert.equal(user.lastTenant.timeZone, 'Europe/Paris')
    assert.notEqual(user.password, STRONG_PASSWORD)

    const mail = await smtp.waitForMailTo(email, 'Confirm your email')
    assert.match(
      linkIn(mail.parsed.text, '/verify-email/'),
      /^\/verify-email\/\d+\/\w+\?signature=/
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
    assert.equal(linkIn(reminder.parsed.text, '/forgot-password'), '/forgot-password')
  })

  test('refuses a form without its CSRF token', async ({ client, assert }) => {
    const response = await client.post('/signup').form(validForm('csrf@example.com')).redirects(0)
    response.assertStatus(302)
    assert.isNull(await User.findBy('email', 'csrf@example.com'))
  })

  test('falls back to UTC for an unknown time zone', async ({ client, assert }) => {
    const email = `tz-${Date.now()}@example.com`
    await postForm(client, '/signup', { ...validForm(email), timeZone: 'Mars/Olympus_Mons' })

    const user = await User.query().where('email', email).preload('lastTenant').firstOrFail()
    assert.equal(user.lastTenant.timeZone, 'UTC')
  })

  test('one network makes at most SIGN_UPS_PER_IP sign-ups, new addresses or taken ones', async ({
    client,
    assert,
  }) => {
    accountsConfig.signUp.perIp = 3
    const { user } = await createUser()
    const [flooder, someoneElse] = [newIp(), newIp()]
    const stamp = Date.now()
    const signUp = (email: string, ip: string) =>
      throughTrustedProxy(postForm(client, '/signup', validForm(email)), ip).redirects(0)

    const answers = []
    for (let i = 0; i < 3; i++)
      answers.push(await signUp(`flood-${stamp}-${i}@example.com`, flooder))
    const refused = await signUp(`flood-${stamp}-3@example.com`, flooder)
    // A taken address is refused alike: the limit tells nothing about accounts.
    const refusedTaken = await signUp(user.email, flooder)
    const elsewhere = await signUp(`elsewhere-${stamp}@example.com`, someoneElse)

    for (const answer of answers) answer.assertStatus(200)
    for (const response of [refused, refusedTaken]) {
      response.assertStatus(302)
      assert.match(String(response.flashMessages().error), /^Too many sign-ups from your network/)
      assert.isAbove(Number(response.header('retry-after')), 0)
      // The form keeps what was typed, but never the password.
      assert.isUndefined(response.flashMessages().password)
    }
    refused.assertFlashMessage('email', `flood-${stamp}-3@example.com`)
    elsewhere.assertStatus(200)
    assert.lengthOf(await User.query().whereLike('email', `flood-${stamp}-%`), 3)
    assert.isNotNull(await User.findBy('email', `elsewhere-${stamp}@example.com`))
  })

  test('a forged X-Forwarded-For does not give a network fresh sign-ups', async ({
    client,
    assert,
  }) => {
    accountsConfig.signUp.perIp = 2
    // Requests from 127.0.0.1 share one count: start it at zero.
    await limiter.use({ requests: 2, duration: 3600 }).delete('signup:ip:127.0.0.1')
    const stamp = Date.now()
    const statuses = []
    for (let i = 0; i < 4; i++) {
      const response = await withForgedForwardedFor(
        postForm(client, '/signup', validForm(`forged-${stamp}-${i}@example.com`)),
        newIp()
      ).redirects(0)
      statuses.push(response.status())
    }
    assert.deepEqual(statuses, [200, 200, 302, 302])
    assert.lengthOf(await User.query().whereLike('email', `forged-${stamp}-%`), 2)
  })
})
