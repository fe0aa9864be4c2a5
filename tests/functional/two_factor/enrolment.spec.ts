import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import type { ApiClient } from '@japa/api-client'
import User from '#models/user'
import { createUser, STRONG_PASSWORD } from '#tests/helpers/users'
import { deleteForm, postForm } from '#tests/helpers/forms'
import {
  FIXED_TIME,
  STEP_MS,
  codeAt,
  codeStep,
  enrol,
  freezeTwoFactorClock,
  passwordStep,
  releaseTwoFactorClock,
} from '#tests/helpers/two_factor'
import { openSecret, readableSecret } from '#two_factor/totp'
import { recoveryCodeHash } from '#two_factor/recovery_codes'
import { flashMessages } from '#services/http/flash_messages'

/** Settings → Security → "Set up": returns the secret the page shows. */
async function startSetUp(client: ApiClient, user: User) {
  const started = await postForm(client, '/settings/security/two-factor', {
    password: STRONG_PASSWORD,
  }).loginAs(user)
  started.assertHeader('location', '/settings/security')
  const fresh = await User.findOrFail(user.id)
  return openSecret(fresh.twoFactorSecret)!
}

async function recoveryCodeRows(user: User) {
  return db.from('two_factor_recovery_codes').where('user_id', user.id).orderBy('id')
}

test.group('Two-factor enrolment', (group) => {
  group.each.setup(() => {
    freezeTwoFactorClock()
    return () => releaseTwoFactorClock()
  })

  test('shows a QR code rendered here and the key as text, then turns on with a code', async ({
    client,
    assert,
  }) => {
    const { user } = await createUser()
    const before = await client.get('/settings/security').loginAs(user)
    before.assertTextIncludes('Set up two-factor log-in')

    const secret = await startSetUp(client, user)
    // Stored encrypted, not in clear.
    const stored = await User.findOrFail(user.id)
    assert.notInclude(stored.twoFactorSecret!, secret)
    assert.isNull(stored.twoFactorEnabledAt)

    const page = await client.get('/settings/security').loginAs(user)
    page.assertTextIncludes(readableSecret(secret))
    // The QR code is an inline SVG image: no request leaves for a QR service.
    assert.match(page.text(), /<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+"/)

    const wrong = await postForm(client, '/settings/security/two-factor/confirm', {
      code: '000000',
    }).loginAs(user)
    wrong.assertFlashMessage('inputErrorsBag', { code: [flashMessages.twoFactor.wrongCode] })
    const reloaded1 = await User.findOrFail(user.id)
    assert.isNull(reloaded1.twoFactorEnabledAt)

    const right = await postForm(client, '/settings/security/two-factor/confirm', {
      code: await codeAt(secret, FIXED_TIME),
    }).loginAs(user)
    right.assertHeader('location', '/settings/security')
    right.assertFlashMessage('success', flashMessages.twoFactor.enabled)
    const reloaded2 = await User.findOrFail(user.id)
    assert.isNotNull(reloaded2.twoFactorEnabledAt)

    // Ten recovery codes, stored as sha256 hashes only.
    const codes = right.flashMessages().recoveryCodes as string[]
    assert.lengthOf(codes, 10)
    assert.lengthOf(new Set(codes), 10)
    const rows = await recoveryCodeRows(user)
    assert.sameMembers(
      rows.map((row) => row.code_hash),
      codes.map(recoveryCodeHash)
    )
    for (const row of rows) assert.notInclude(codes, row.code_hash)
  })

  test('the recovery codes are shown once, with a .txt download', async ({ client, assert }) => {
    const { user } = await createUser()
    const secret = await startSetUp(client, user)
    const right = await postForm(client, '/settings/security/two-factor/confirm', {
      code: await codeAt(secret, FIXED_TIME),
    }).loginAs(user)
    const codes = right.flashMessages().recoveryCodes as string[]

    // The page right after shows them (the flash of the confirming request)...
    const shown = await client
      .get('/settings/security')
      .loginAs(user)
      .withFlashMessages({ recoveryCodes: codes })
    for (const code of codes) shown.assertTextIncludes(code)
    const download = shown.text().match(/href="(data:text\/plain[^"]+)" download="([^"]+)"/)
    assert.exists(download)
    assert.equal(download![2], 'mailings-recovery-codes.txt')
    const file = decodeURIComponent(download![1].replace(/^data:text\/plain;charset=utf-8,/, ''))
    for (const code of codes) assert.include(file, code)

    // ...and no later one.
    const later = await client.get('/settings/security').loginAs(user)
    later.assertTextIncludes('10 of 10 recovery codes left')
    for (const code of codes) assert.notInclude(later.text(), code)
  })

  test('a code of the enrolment cannot log in again', async ({ client }) => {
    const { user } = await createUser()
    const secret = await startSetUp(client, user)
    const code = await codeAt(secret, FIXED_TIME)
    await postForm(client, '/settings/security/two-factor/confirm', { code }).loginAs(user)

    const first = await passwordStep(client, user)
    const replayed = await codeStep(client, first.session(), { code })
    replayed.assertFlashMessage('error', flashMessages.twoFactor.wrongCode)
  })

  test('turning it off needs the password and a code', async ({ client, assert }) => {
    const { user } = await createUser()
    const { secret } = await enrol(user)
    const code = await codeAt(secret, FIXED_TIME)

    const noPassword = await deleteForm(client, '/settings/security/two-factor', {
      password: 'not-my-password',
      code,
    }).loginAs(user)
    noPassword.assertFlashMessage('inputErrorsBag', {
      password: ['Your password is not correct'],
    })

    const noCode = await deleteForm(client, '/settings/security/two-factor', {
      password: STRONG_PASSWORD,
      code: '000000',
    }).loginAs(user)
    noCode.assertFlashMessage('inputErrorsBag', { code: [flashMessages.twoFactor.wrongCode] })
    const reloaded3 = await User.findOrFail(user.id)
    assert.isNotNull(reloaded3.twoFactorEnabledAt)

    const off = await deleteForm(client, '/settings/security/two-factor', {
      password: STRONG_PASSWORD,
      code,
    }).loginAs(user)
    off.assertHeader('location', '/settings/security')
    off.assertFlashMessage('success', flashMessages.twoFactor.disabled)
    const fresh = await User.findOrFail(user.id)
    assert.isNull(fresh.twoFactorEnabledAt)
    assert.isNull(fresh.twoFactorSecret)
    assert.lengthOf(await recoveryCodeRows(user), 0)

    // The password alone logs in again.
    const login = await passwordStep(client, user)
    login.assertHeader('location', '/dashboard')
  })

  test('new recovery codes need the password and replace the old ones', async ({
    client,
    assert,
  }) => {
    const { user } = await createUser()
    const { recoveryCodes: old } = await enrol(user)

    const refused = await postForm(client, '/settings/security/recovery-codes', {
      password: 'not-my-password',
    }).loginAs(user)
    refused.assertFlashMessage('inputErrorsBag', { password: ['Your password is not correct'] })

    const made = await postForm(client, '/settings/security/recovery-codes', {
      password: STRONG_PASSWORD,
    }).loginAs(user)
    made.assertFlashMessage('success', flashMessages.twoFactor.codesRegenerated)
    const codes = made.flashMessages().recoveryCodes as string[]
    assert.lengthOf(codes, 10)

    const first = await passwordStep(client, user)
    const oldOne = await codeStep(client, first.session(), { code: old[0] })
    oldOne.assertFlashMessage('error', flashMessages.twoFactor.wrongCode)
    const newOne = await codeStep(client, first.session(), { code: codes[0] })
    newOne.assertHeader('location', '/dashboard')
  })

  test('a step-old code still confirms the set-up (a phone a little behind)', async ({
    client,
    assert,
  }) => {
    const { user } = await createUser()
    const secret = await startSetUp(client, user)
    const response = await postForm(client, '/settings/security/two-factor/confirm', {
      code: await codeAt(secret, FIXED_TIME - STEP_MS),
    }).loginAs(user)
    response.assertFlashMessage('success', flashMessages.twoFactor.enabled)
    const reloaded4 = await User.findOrFail(user.id)
    assert.isNotNull(reloaded4.twoFactorEnabledAt)
  })

  test('setting up needs the password and a confirmed address; nothing starts otherwise', async ({
    client,
    assert,
  }) => {
    const { user } = await createUser()
    const noPassword = await postForm(client, '/settings/security/two-factor', {
      password: 'not-the-password-1',
    })
      .loginAs(user)
      .header('referer', '/settings/security')
    assert.property(noPassword.flashMessages().inputErrorsBag ?? {}, 'password')
    const untouched = await User.findOrFail(user.id)
    assert.isNull(untouched.twoFactorSecret)

    const { user: unverified } = await createUser({ verified: false })
    const refused = await postForm(client, '/settings/security/two-factor', {
      password: STRONG_PASSWORD,
    }).loginAs(unverified)
    refused.assertFlashMessage('error', flashMessages.twoFactor.unverified)
    const stillOff = await User.findOrFail(unverified.id)
    assert.isNull(stillOff.twoFactorSecret)
  })

  test('turning it on ends the other sessions and every "remember me" token', async ({
    client,
    assert,
  }) => {
    const { user } = await createUser()
    await User.rememberMeTokens.create(user, '30 days')
    const secret = await startSetUp(client, user)
    const on = await postForm(client, '/settings/security/two-factor/confirm', {
      code: await codeAt(secret, FIXED_TIME),
    }).loginAs(user)
    on.assertFlashMessage('success', flashMessages.twoFactor.enabled)
    const tokens = await db.from('remember_me_tokens').where('tokenable_id', user.id)
    assert.lengthOf(tokens, 0)
  })
})
