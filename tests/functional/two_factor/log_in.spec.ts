import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import type { ApiClient } from '@japa/api-client'
import type User from '#models/user'
import TrustedDevice from '#models/trusted_device'
import { createUser, STRONG_PASSWORD } from '#tests/helpers/users'
import { putForm, deleteForm } from '#tests/helpers/forms'
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
import { flashMessages } from '#services/http/flash_messages'

const USER_ID_KEY = 'auth_web'
const DAY_MS = 24 * 60 * 60 * 1000

async function enrolledUser() {
  const { user } = await createUser()
  return { user, ...(await enrol(user)) }
}

test.group('Two-factor log-in', (group) => {
  group.each.setup(() => {
    freezeTwoFactorClock()
    return () => releaseTwoFactorClock()
  })

  test('the right password alone does not log in: the code step comes first', async ({
    client,
    assert,
  }) => {
    const { user } = await enrolledUser()

    const response = await passwordStep(client, user)

    response.assertHeader('location', '/login/two-factor')
    assert.notExists(response.session()[USER_ID_KEY])
    // Half-way through, the workspace is still closed.
    const dashboard = await client.get('/dashboard').withSession(response.session()).redirects(0)
    dashboard.assertHeader('location', '/login')
    const page = await client.get('/login/two-factor').withSession(response.session())
    page.assertStatus(200)
    page.assertTextIncludes('Remember this device for 30 days')
  })

  test('a user without two-factor logs in with the password as before', async ({ client }) => {
    const { user } = await createUser()
    const response = await passwordStep(client, user)
    response.assertHeader('location', '/dashboard')
  })

  test('logs in with the current code, or the one of the step before or after', async ({
    client,
    assert,
  }) => {
    for (const offset of [0, -STEP_MS, STEP_MS]) {
      const { user, secret } = await enrolledUser()
      const first = await passwordStep(client, user, { rememberMe: true })
      const second = await codeStep(client, first.session(), {
        code: await codeAt(secret, FIXED_TIME + offset),
      })

      second.assertHeader('location', '/dashboard')
      assert.equal(second.session()[USER_ID_KEY], user.id)
      // "Remember me" chosen at the password step is kept.
      assert.exists(second.cookie('remember_web'))
    }
  })

  test('refuses a wrong code, and codes two steps away', async ({ client, assert }) => {
    const { user, secret } = await enrolledUser()
    const first = await passwordStep(client, user)

    for (const code of [
      '000000',
      await codeAt(secret, FIXED_TIME + 2 * STEP_MS),
      await codeAt(secret, FIXED_TIME - 2 * STEP_MS),
    ]) {
      const response = await codeStep(client, first.session(), { code })
      response.assertHeader('location', '/login/two-factor')
      response.assertFlashMessage('error', flashMessages.twoFactor.wrongCode)
      assert.notExists(response.session()[USER_ID_KEY])
    }
  })

  test('a code that logged in once is refused when replayed within its window', async ({
    client,
  }) => {
    const { user, secret } = await enrolledUser()
    const code = await codeAt(secret, FIXED_TIME)

    const first = await passwordStep(client, user)
    const used = await codeStep(client, first.session(), { code })
    used.assertHeader('location', '/dashboard')

    // Ten seconds later, the same code, from another browser that has the password.
    freezeTwoFactorClock(FIXED_TIME + 10_000)
    const again = await passwordStep(client, user)
    const replayed = await codeStep(client, again.session(), { code })
    replayed.assertHeader('location', '/login/two-factor')
    replayed.assertFlashMessage('error', flashMessages.twoFactor.wrongCode)

    // So is the previous step's (older than the one used); the next step's works.
    const older = await codeStep(client, again.session(), {
      code: await codeAt(secret, FIXED_TIME - STEP_MS),
    })
    older.assertFlashMessage('error', flashMessages.twoFactor.wrongCode)
    const next = await codeStep(client, again.session(), {
      code: await codeAt(secret, FIXED_TIME + STEP_MS),
    })
    next.assertHeader('location', '/dashboard')
  })

  test('the same code sent twice at once logs in once', async ({ client, assert }) => {
    const { user, secret } = await enrolledUser()
    const code = await codeAt(secret, FIXED_TIME)
    const sessions = [await passwordStep(client, user), await passwordStep(client, user)]

    const answers = await Promise.all(
      sessions.map((first) => codeStep(client, first.session(), { code }))
    )

    assert.sameMembers(
      answers.map((answer) => answer.header('location')),
      ['/dashboard', '/login/two-factor']
    )
  })

  test('a recovery code logs in once', async ({ client, assert }) => {
    const { user, recoveryCodes } = await enrolledUser()
    const [code] = recoveryCodes

    const first = await passwordStep(client, user)
    // Typed in capitals without the dash: still the code.
    const used = await codeStep(client, first.session(), {
      code: code.toUpperCase().replace('-', ''),
    })
    used.assertHeader('location', '/dashboard')
    used.assertFlashMessage('success', flashMessages.twoFactor.usedRecoveryCode(9))

    const again = await passwordStep(client, user)
    const reused = await codeStep(client, again.session(), { code })
    reused.assertFlashMessage('error', flashMessages.twoFactor.wrongCode)
    assert.notExists(reused.session()[USER_ID_KEY])
  })

  test('five wrong codes in a row lock the code step for fifteen minutes', async ({ client }) => {
    const { user, secret } = await enrolledUser()
    const first = await passwordStep(client, user)

    for (let i = 0; i < 4; i++) {
      const response = await codeStep(client, first.session(), { code: `12345${i}` })
      response.assertFlashMessage('error', flashMessages.twoFactor.wrongCode)
    }
    const fifth = await codeStep(client, first.session(), { code: '123459' })
    fifth.assertFlashMessage('error', 'Too many wrong codes. Please wait 15 minutes and try again.')

    // The right code too, from any browser, while the lock lasts.
    const other = await passwordStep(client, user)
    const right = await codeStep(client, other.session(), {
      code: await codeAt(secret, FIXED_TIME),
    })
    right.assertHeader('location', '/login/two-factor')
    right.assertFlashMessage('error', 'Too many wrong codes. Please wait 15 minutes and try again.')
  })

  test('the code step without a password step sends back to the log-in', async ({ client }) => {
    const response = await codeStep(client, {}, { code: '123456' })
    response.assertHeader('location', '/login')
    response.assertFlashMessage('error', flashMessages.twoFactor.loginExpired)
  })

  test('a password step passed before the password changed is worth nothing', async ({
    client,
  }) => {
    const { user } = await createUser()
    const { secret } = await enrol(user)
    const first = await passwordStep(client, user)
    // Its owner resets the password meanwhile.
    user.password = 'a-brand-new-passphrase-77'
    await user.save()
    const second = await codeStep(client, first.session(), {
      code: await codeAt(secret, FIXED_TIME),
    })
    second.assertHeader('location', '/login')
    second.assertFlashMessage('error', flashMessages.twoFactor.loginExpired)
  })
})

test.group('Two-factor log-in: remembered devices', (group) => {
  group.each.setup(() => {
    freezeTwoFactorClock()
    return () => releaseTwoFactorClock()
  })

  /** Logs in with a code, asking to remember the browser; returns its cookie. */
  async function logInRemembering(client: ApiClient, user: User, secret: string, at = FIXED_TIME) {
    const first = await passwordStep(client, user)
    const second = await codeStep(client, first.session(), {
      code: await codeAt(secret, at),
      rememberDevice: 'true',
    })
    second.assertHeader('location', '/dashboard')
    return second.cookie('two_factor_devices')!.value
  }

  test('a remembered browser logs in with the password alone', async ({ client, assert }) => {
    const { user, secret } = await enrolledUser()
    const device = await logInRemembering(client, user, secret)

    const stored = await TrustedDevice.findByOrFail('user_id', user.id)
    assert.equal(stored.expiresAt.toMillis(), FIXED_TIME + 30 * DAY_MS)
    // Only a hash is stored.
    assert.notInclude(JSON.stringify(device), stored.tokenHash)

    freezeTwoFactorClock(FIXED_TIME + 29 * DAY_MS)
    const later = await passwordStep(client, user, { trustedDevice: device })
    later.assertHeader('location', '/dashboard')
    assert.equal(later.session()[USER_ID_KEY], user.id)

    // Another browser still needs the code; so does another user's device cookie.
    const elsewhere = await passwordStep(client, user)
    elsewhere.assertHeader('location', '/login/two-factor')
    const { user: other } = await enrolledUser()
    const borrowed = await passwordStep(client, other, { trustedDevice: device })
    borrowed.assertHeader('location', '/login/two-factor')
  })

  test('after 30 days the browser is asked for a code again', async ({ client }) => {
    const { user, secret } = await enrolledUser()
    const device = await logInRemembering(client, user, secret)

    freezeTwoFactorClock(FIXED_TIME + 30 * DAY_MS + 1000)
    const response = await passwordStep(client, user, { trustedDevice: device })
    response.assertHeader('location', '/login/two-factor')
  })

  test('a forgotten device, or a changed password, asks for a code again', async ({
    client,
    assert,
  }) => {
    const { user, secret } = await enrolledUser()
    const device = await logInRemembering(client, user, secret)
    const stored = await TrustedDevice.findByOrFail('user_id', user.id)

    const page = await client.get('/settings/security').loginAs(user)
    page.assertTextIncludes('Remembered devices')
    page.assertTextIncludes(stored.ip!)

    // Forgetting it on the Security page.
    const forget = await deleteForm(client, `/settings/security/devices/${stored.id}`).loginAs(user)
    forget.assertHeader('location', '/settings/security')
    const forgotten = await passwordStep(client, user, { trustedDevice: device })
    forgotten.assertHeader('location', '/login/two-factor')

    // Another person's device id is not found.
    const { user: other, secret: otherSecret } = await enrolledUser()
    await logInRemembering(client, other, otherSecret)
    const theirs = await TrustedDevice.findByOrFail('user_id', other.id)
    const refused = await deleteForm(client, `/settings/security/devices/${theirs.id}`).loginAs(
      user
    )
    refused.assertStatus(404)

    // A new password forgets every remembered device.
    freezeTwoFactorClock(FIXED_TIME + STEP_MS)
    await logInRemembering(client, user, secret, FIXED_TIME + STEP_MS)
    assert.isNotNull(await TrustedDevice.findBy('user_id', user.id))
    const changed = await putForm(client, '/settings/password', {
      currentPassword: STRONG_PASSWORD,
      password: 'amber-lighthouse-91-quartz',
      passwordConfirmation: 'amber-lighthouse-91-quartz',
    }).loginAs(user)
    changed.assertHeader('location', '/settings/profile')
    const left = await db.from('trusted_devices').where('user_id', user.id).count('* as total')
    assert.equal(Number(left[0].total), 0)
  })
})
