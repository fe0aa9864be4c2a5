import { generate } from 'otplib'
import type { ApiClient } from '@japa/api-client'
import type User from '#models/user'
import StartEnrolment from '#actions/two_factor/start_enrolment'
import ConfirmEnrolment from '#actions/two_factor/confirm_enrolment'
import { twoFactorClock } from '#two_factor/clock'
import { postForm } from '#tests/helpers/forms'
import { STRONG_PASSWORD } from '#tests/helpers/users'

/**
 * Two-factor tests run with the app's two-factor clock stopped
 * (app/two_factor/clock.ts) at a fixed instant, ten seconds into a 30-second
 * TOTP step, and compute the codes an authenticator app would show then.
 */
export const FIXED_TIME = Date.UTC(2026, 0, 15, 9, 30, 10)
export const STEP_MS = 30_000

/** The code an authenticator app holding `secret` shows at `millis`. */
export function codeAt(secret: string, millis: number) {
  return generate({ secret, epoch: Math.floor(millis / 1000) })
}

export function freezeTwoFactorClock(millis = FIXED_TIME) {
  twoFactorClock.freezeAt(millis)
}

export function releaseTwoFactorClock() {
  twoFactorClock.release()
}

/**
 * Turns two-factor on for `user` as the Security page does, a minute before
 * the frozen time (so the codes of the current step and the ones either
 * side are still unused). Returns the secret and the recovery codes.
 */
export async function enrol(user: User) {
  const now = twoFactorClock.now()
  const earlier = now - 2 * STEP_MS
  twoFactorClock.freezeAt(earlier)
  try {
    const secret = await StartEnrolment.handle(user)
    const recoveryCodes = await ConfirmEnrolment.handle(user, await codeAt(secret, earlier))
    if (!recoveryCodes) throw new Error('enrolment failed')
    return { secret, recoveryCodes }
  } finally {
    twoFactorClock.freezeAt(now)
  }
}

/**
 * The password step of a log-in; with two-factor on it answers with a
 * redirect to the code step and a session that remembers who it was.
 */
export function passwordStep(
  client: ApiClient,
  user: User,
  options: { rememberMe?: boolean; trustedDevice?: unknown } = {}
) {
  const request = postForm(client, '/login', {
    email: user.email,
    password: STRONG_PASSWORD,
    ...(options.rememberMe ? { rememberMe: 'true' } : {}),
  })
  if (options.trustedDevice)
    request.withEncryptedCookie('two_factor_devices', options.trustedDevice)
  return request
}

/** The code step, in the session the password step left. */
export function codeStep(
  client: ApiClient,
  session: Record<string, any>,
  fields: { code: string; rememberDevice?: string }
) {
  return postForm(client, '/login/two-factor', fields).withSession(session)
}
