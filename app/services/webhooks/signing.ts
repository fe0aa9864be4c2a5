import { randomBytes } from 'node:crypto'
import { Webhook } from 'standardwebhooks'

/**
 * A new endpoint secret in the Standard Webhooks format: `whsec_` and the
 * base64 of 24 random bytes.
 */
export function newSecret() {
  return `whsec_${randomBytes(24).toString('base64')}`
}

/**
 * A new message id (`webhook-id`), unique and URL-safe.
 */
export function newMessageId() {
  return `msg_${randomBytes(16).toString('base64url')}`
}

/**
 * The three Standard Webhooks headers for one attempt. The timestamp is the
 * attempt's (receivers reject old ones), the id the message's.
 */
export function signedHeaders(secret: string, messageId: string, body: string, at = new Date()) {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': Math.floor(at.getTime() / 1000).toString(),
    'webhook-signature': new Webhook(secret).sign(messageId, at, body),
  }
}
