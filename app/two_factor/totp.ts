import { generateSecret, generateURI, verify } from 'otplib'
import QRCode from 'qrcode'
import encryption from '@adonisjs/core/services/encryption'
import { twoFactorClock } from '#two_factor/clock'

/**
 * TOTP (RFC 6238) as every authenticator app does it: SHA-1, six digits,
 * 30-second steps, a 160-bit secret shown in Base32.
 */
const PERIOD_SECONDS = 30
const ISSUER = 'Mailings'

/** A fresh Base32 secret for an enrolment. */
export function newTotpSecret() {
  return generateSecret({ length: 20 })
}

/**
 * The secret as stored in users.two_factor_secret: encrypted with the app
 * key, so a copy of the database alone does not give the codes away.
 */
export function sealSecret(secret: string) {
  return encryption.encrypt(secret)
}

export function openSecret(sealed: string | null | undefined) {
  if (!sealed) return null
  return encryption.decrypt<string>(sealed)
}

/** The secret grouped by four, easier to type into an app by hand. */
export function readableSecret(secret: string) {
  return secret.match(/.{1,4}/g)!.join(' ')
}

/**
 * The otpauth:// address an app reads from the QR code, rendered here as an
 * SVG data URL: the secret never leaves the server for a QR service.
 */
export async function enrolmentQrCode(secret: string, accountName: string) {
  const uri = generateURI({ issuer: ISSUER, label: accountName, secret, period: PERIOD_SECONDS })
  const svg = await QRCode.toString(uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' })
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`
}

/**
 * The time step `code` belongs to, if it is the secret's code for the
 * current step or one either side (a phone's clock a little off), and later
 * than `afterTimeStep` (the last one used: no replay). Null otherwise.
 */
export async function matchingTimeStep(secret: string, code: string, afterTimeStep: number | null) {
  const token = code.replace(/\s+/g, '')
  if (!/^\d{6}$/.test(token)) return null
  const result = await verify({
    secret,
    token,
    period: PERIOD_SECONDS,
    epoch: twoFactorClock.epochSeconds(),
    epochTolerance: PERIOD_SECONDS,
    ...(afterTimeStep === null ? {} : { afterTimeStep }),
  })
  return result.valid && 'timeStep' in result ? result.timeStep : null
}
