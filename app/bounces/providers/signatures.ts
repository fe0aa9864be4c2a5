import { createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto'

/**
 * The signature checks of the providers that sign with a shared secret or
 * a configured key (SES's SNS certificates: sns.ts). Pure functions of the
 * request, so each is tested with keys made in the test.
 */

function equalText(a: string, b: string) {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/**
 * Postmark calls the webhook URL with the user and password the operator
 * wrote in it (`https://user:password@host/webhooks/bounces/postmark`):
 * HTTP Basic authentication.
 */
export function postmarkAuthorized(
  authorization: string | undefined,
  expected: { username: string; password: string }
) {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '')
  if (!match) return false
  const given = Buffer.from(match[1], 'base64').toString('utf8')
  return equalText(given, `${expected.username}:${expected.password}`)
}

let sendgridKey: { text: string; key: KeyObject } | undefined

/**
 * SendGrid's Signed Event Webhook: an ECDSA (P-256, SHA-256) signature of
 * the timestamp header followed by the raw body, with the public key
 * SendGrid shows (base64 DER), and a timestamp no older than `tolerance`.
 */
export function sendgridSigned(
  request: { signature?: string; timestamp?: string; rawBody: string },
  publicKey: string,
  toleranceSeconds: number,
  now = Date.now()
) {
  const { signature, timestamp, rawBody } = request
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false
  if (Math.abs(now / 1000 - Number(timestamp)) > toleranceSeconds) return false
  try {
    // start/env.ts refuses an unreadable key at boot; should one get here
    // anyway, it fails the check (401) rather than every request with a 500.
    if (sendgridKey?.text !== publicKey) {
      sendgridKey = {
        text: publicKey,
        key: createPublicKey({
          key: Buffer.from(publicKey, 'base64'),
          format: 'der',
          type: 'spki',
        }),
      }
    }
    return verify(
      'sha256',
      Buffer.from(timestamp + rawBody),
      sendgridKey.key,
      Buffer.from(signature, 'base64')
    )
  } catch {
    return false
  }
}

/**
 * Mailgun's webhook signature: HMAC-SHA256 of timestamp + token with the
 * webhook signing key, hex; the timestamp no older than `tolerance` (the
 * caller also refuses a token seen before: replays).
 */
export function mailgunSigned(
  signature: { timestamp?: unknown; token?: unknown; signature?: unknown } | undefined,
  signingKey: string,
  toleranceSeconds: number,
  now = Date.now()
) {
  const { timestamp, token, signature: given } = signature ?? {}
  if (typeof timestamp !== 'string' && typeof timestamp !== 'number') return false
  if (typeof token !== 'string' || typeof given !== 'string') return false
  if (!/^\d{1,12}$/.test(String(timestamp)) || token.length > 200) return false
  if (Math.abs(now / 1000 - Number(timestamp)) > toleranceSeconds) return false
  const expected = createHmac('sha256', signingKey).update(`${timestamp}${token}`).digest('hex')
  return equalText(given.toLowerCase(), expected)
}
