import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import redis from '@adonisjs/redis/services/main'
import { SessionCollection } from '@adonisjs/session'
import { smtp } from '#tests/helpers/peers'
import { createUser, STRONG_PASSWORD } from '#tests/helpers/users'
import { HttpAgent, SAFARI_ON_IPHONE } from '#tests/helpers/http_agent'
import type User from '#models/user'
import { postForm } from '#tests/helpers/forms'

const NEW_PASSWORD = 'cobalt-meadow-28-falcon'

/** What the session store holds under an id (null: nothing). */
async function stored(sessionId: string) {
  const sessions = await app.container.make(SessionCollection)
  return sessions.get(sessionId)
}

/**
 * A user logged in on two devices: `laptop` with "remember me", `phone`
 * without; `stolen` holds a copy of the laptop's cookies and `stolenToken`
 * only its remember-me cookie.
 */
async function twoDevices() {
  const { user } = await createUser()
  const laptop = new HttpAgent()
  await laptop.logIn(user.email, STRONG_PASSWORD, { rememberMe: true })
  const phone = new HttpAgent(SAFARI_ON_IPHONE)
  await phone.logIn(user.email, STRONG_PASSWORD)
  return { user, laptop, phone, stolen: laptop.copy(), stolenToken: laptop.copyRememberMe() }
}

/**
 * The remember-me cookie alone logs in before the change (the control),
 * and the session that made for it is left aside, so what is checked
 * after the change is the token.
 */
async function tokenStillWorks(agent: HttpAgent) {
  const loggedIn = await agent.isLoggedIn()
  agent.forget('mailings-session')
  return loggedIn
}

/**
 * Posts the sessions page's "Log out" form of the session whose row names
 * `device`, as `from` sees that page; `as` submits it (default: `from`).
 */
async function logOutDevice(from: HttpAgent, device: string, as = from) {
  const html = await from.html('/settings/sessions')
  const handle = new RegExp(`data-session="([a-f0-9]+)"(?:(?!</tr>)[\\s\\S])*${device}`).exec(
    html
  )?.[1]
  if (!handle) throw new Error(`No session of ${device} listed`)
  return as.submit('/settings/sessions', `/settings/sessions/${handle}/log-out`)
}

async function resetPassword(user: User) {
  const browser = new HttpAgent()
  const asked = await browser.submit('/forgot-password', '/forgot-password', {
    email: user.email,
  })
  if (asked.status !== 302) throw new Error(`forgot-password answered ${asked.status}`)
  const mail = await smtp.waitForMailTo(user.email, 'Reset your Mailings password')
  const link = /https?:\/\/[^/\s]+(\/reset-password\/\S+)/.exec(mail.parsed.text ?? '')?.[1]
  if (!link) throw new Error('No reset link in the mail')
  return browser.submit(link, link, { password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD })
}

test.group('Sessions end for real', () => {
  test('a session cookie copied before log-out is dead after it, in the store too', async ({
    assert,
  }) => {
    const { user } = await createUser()
    const browser = new HttpAgent()
    await browser.logIn(user.email, STRONG_PASSWORD)
    const copy = browser.copy()
    const sessionId = browser.sessionId!
    assert.isTrue(await copy.isLoggedIn())

    const out = await browser.submit('/dashboard', '/logout')
    assert.equal(out.location, '/')

    assert.isNull(await stored(sessionId))
    assert.isFalse(await copy.isLoggedIn())
  })

  test('a password change ends the other sessions and remember-me tokens, not the changer', async ({
    assert,
  }) => {
    const { laptop, phone, stolen, stolenToken } = await twoDevices()
    assert.isTrue(await tokenStillWorks(stolenToken))
    const laptopSession = laptop.sessionId!

    const changed = await phone.submit('/settings/profile', '/settings/password?_method=PUT', {
      currentPassword: STRONG_PASSWORD,
      password: NEW_PASSWORD,
      passwordConfirmation: NEW_PASSWORD,
    })
    assert.equal(changed.location, '/settings/profile')

    assert.isNull(await stored(laptopSession))
    assert.isTrue(await phone.isLoggedIn())
    assert.isFalse(await stolen.isLoggedIn())
    assert.isFalse(await laptop.isLoggedIn())
    assert.isFalse(await stolenToken.isLoggedIn())
  })

  test('a password reset ends every session and remember-me token', async ({ assert }) => {
    const { user, laptop, phone, stolen, stolenToken } = await twoDevices()
    assert.isTrue(await tokenStillWorks(stolenToken))

    const reset = await resetPassword(user)
    assert.equal(reset.location, '/login')

    for (const agent of [laptop, phone, stolen, stolenToken]) {
      assert.isFalse(await agent.isLoggedIn())
    }
  })

  test('log-out ends its own remember-me token', async ({ assert }) => {
    const { laptop, stolenToken } = await twoDevices()
    await laptop.submit('/dashboard', '/logout')
    assert.isFalse(await stolenToken.isLoggedIn())
  })

  test('blocking ends every session and remember-me token at once', async ({ client, assert }) => {
    const { user, laptop, phone, stolenToken } = await twoDevices()
    const sessions = [laptop.sessionId!, phone.sessionId!]
    const { user: staff } = await createUser({ role: 'manager' })

    const blocked = await postForm(client, `/admin/users/${user.id}/block`, {
      reason: 'Sends spam',
    }).loginAs(staff)
    blocked.assertStatus(302)

    for (const id of sessions) assert.isNull(await stored(id))
    assert.isFalse(await stolenToken.isLoggedIn())
    assert.isFalse(await phone.isLoggedIn())
    assert.include(await phone.html('/login'), 'Your account has been blocked')
  })

  test('an ended session written back by a request in flight stays ended', async ({ assert }) => {
    const { laptop, phone } = await twoDevices()
    const phoneSession = phone.sessionId!
    const data = await stored(phoneSession)

    await laptop.submit('/settings/sessions', '/settings/sessions/others/log-out')
    // What a request of the phone's, under way meanwhile, does when it commits.
    const config = await import('#config/session')
    const resolved = await config.default.resolver(app)
    await resolved.stores[resolved.store](null as never, resolved).write(phoneSession, data!)

    assert.isFalse(await phone.isLoggedIn())
  })
})

test.group('Settings: sessions', () => {
  test('lists the sessions, this device marked; "log out everywhere else" ends the others', async ({
    assert,
  }) => {
    const { laptop, phone, stolenToken } = await twoDevices()

    const page = await laptop.get('/settings/sessions')
    assert.equal(page.status, 200)
    const html = await page.response.text()
    const rows = html.match(/<tr data-testid="session"[\s\S]*?<\/tr>/g) ?? []
    assert.lengthOf(rows, 2)
    const mine = rows.find((row) => row.includes('data-testid="this-device"'))
    assert.include(mine, 'Firefox on Linux')
    assert.include(mine, '127.0.0.1')
    assert.include(
      rows.find((row) => row !== mine),
      'Safari on iOS'
    )
    assert.notInclude(html, laptop.sessionId!)

    const out = await laptop.submit('/settings/sessions', '/settings/sessions/others/log-out')
    assert.equal(out.location, '/settings/sessions')
    assert.isFalse(await phone.isLoggedIn())
    assert.isFalse(await stolenToken.isLoggedIn())
    assert.isTrue(await laptop.isLoggedIn())

    const after = await laptop.html('/settings/sessions')
    assert.lengthOf(after.match(/<tr data-testid="session"/g) ?? [], 1)
  })

  test('"log out" ends one session; another user\'s session is a 404', async ({ assert }) => {
    const { laptop, phone } = await twoDevices()
    const { user: stranger } = await createUser()
    const strangerBrowser = new HttpAgent()
    await strangerBrowser.logIn(stranger.email, STRONG_PASSWORD)

    const refused = await logOutDevice(laptop, 'Safari on iOS', strangerBrowser)
    assert.equal(refused.status, 404)
    assert.isTrue(await phone.isLoggedIn())

    const ended = await logOutDevice(laptop, 'Safari on iOS')
    assert.equal(ended.location, '/settings/sessions')
    assert.isFalse(await phone.isLoggedIn())
    assert.include(await phone.html('/login'), 'This session was ended')
    assert.isTrue(await laptop.isLoggedIn())
  })

  test('"log out" of a remembered device deletes its remember-me token too', async ({ assert }) => {
    const { laptop, phone, stolenToken } = await twoDevices()
    // The laptop's next request shows which remember-me token it holds.
    assert.isTrue(await laptop.isLoggedIn())

    const ended = await logOutDevice(phone, 'Firefox on Linux')
    assert.equal(ended.location, '/settings/sessions')

    assert.isFalse(await laptop.isLoggedIn())
    assert.isFalse(await stolenToken.isLoggedIn())
    assert.isTrue(await phone.isLoggedIn())
  })

  test('is in the settings navigation; ending sessions needs the CSRF token', async ({
    assert,
  }) => {
    const { laptop, phone } = await twoDevices()
    const profile = await laptop.html('/settings/profile')
    assert.include(profile, 'href="/settings/sessions"')

    const forged = await laptop.request('POST', '/settings/sessions/others/log-out', {})
    assert.notEqual(forged.location, '/settings/sessions')
    assert.isTrue(await phone.isLoggedIn())
  })

  test('"last seen" is written at most once a minute', async ({ assert }) => {
    const { user } = await createUser()
    const browser = new HttpAgent()
    await browser.logIn(user.email, STRONG_PASSWORD)
    const key = `user_sessions:${user.id}:${browser.sessionId}`
    const entry = async () => JSON.parse((await redis.get(key))!)

    const first = await entry()
    assert.isTrue(await browser.isLoggedIn())
    assert.deepEqual(await entry(), first)

    const twoMinutesAgo = new Date(Date.now() - 120_000).toISOString()
    await redis.set(key, JSON.stringify({ ...first, lastSeenAt: twoMinutesAgo }), 'KEEPTTL')
    assert.isTrue(await browser.isLoggedIn())
    const seen = await entry()
    assert.isAbove(Date.parse(seen.lastSeenAt), Date.parse(twoMinutesAgo))
    assert.equal(seen.createdAt, first.createdAt)
  })
})
