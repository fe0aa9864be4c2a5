import env from '#start/env'
import bouncesConfig from '#config/bounces'
import { deliveryIdFromBounceToken, tokenOfBounceAddress } from '#bounces/verp'

/**
 * How a report names the delivery it is about. A VERP token is
 * self-authenticating; a Message-ID (`<delivery-<id>@<APP_URL host>>`,
 * send_delivery.ts) is not, so it is only believed inside a payload whose
 * signature was verified (provider webhooks), never from mail.
 */

const MESSAGE_ID_DOMAIN = new URL(env.get('APP_URL')).hostname.toLowerCase()
const OUR_MESSAGE_ID = /^<?delivery-(\d{1,15})@([^>\s]+)>?$/i

/**
 * The Message-ID a delivery is sent with (send_delivery.ts): the one place
 * its format is written, with deliveryIdOfMessageId its reader.
 */
export function messageIdOfDelivery(deliveryId: number) {
  return `<delivery-${deliveryId}@${MESSAGE_ID_DOMAIN}>`
}

/**
 * The delivery our Message-ID names, or null for anybody else's.
 */
export function deliveryIdOfMessageId(value: string | null | undefined) {
  const match = value ? OUR_MESSAGE_ID.exec(value.trim()) : null
  if (!match || match[2].toLowerCase() !== MESSAGE_ID_DOMAIN) return null
  const id = Number(match[1])
  return Number.isSafeInteger(id) && id > 0 ? id : null
}

/**
 * The delivery of a VERP address or a bare token, verified; null otherwise.
 */
export function deliveryIdOfBounceRef(value: string | null | undefined) {
  if (!value) return null
  const token = value.includes('@') ? tokenOfBounceAddress(value, bouncesConfig.domain) : value
  return token ? deliveryIdFromBounceToken(token) : null
}
