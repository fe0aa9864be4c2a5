import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  timingSafeEqual,
} from 'node:crypto'
import { appKey, appUrl } from '#config/app'

/**
 * Unsubscribe links: `${APP_URL}/u/<token>`, one per client, working
 * forever (a mail read years later must still let its reader leave).
 *
 * The token is 43 characters: 32 bytes in base64url.
 *
 * - The first 16 bytes are the workspace id and the client id (8 bytes
 *   each, big-endian) encrypted as one AES-256 block. A single block under
 *   a secret key is a pseudorandom permutation, so tokens reveal nothing
 *   about ids or how many clients there are, and the same client always
 *   gets the same link.
 * - The last 16 bytes are an HMAC-SHA256 of those 16 bytes (truncated to
 *   128 bits), so a token nobody issued is refused before it is decrypted.
 *
 * Both keys are derived from APP_KEY for this purpose only (HKDF), so they
 * cannot be confused with the keys of cookies or signed URLs. Changing
 * APP_KEY invalidates every unsubscribe link already sent.
 */

const ID_BYTES = 8
const BLOCK_BYTES = 16
const TAG_BYTES = 16
const TOKEN_BYTES = BLOCK_BYTES + TAG_BYTES
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/

/**
 * The token of the example link used by previews and test sends: its page
 * says it is an example and unsubscribes nobody.
 */
export const EXAMPLE_UNSUBSCRIBE_TOKEN = 'example'
export const EXAMPLE_UNSUBSCRIBE_URL = `${appUrl}/u/${EXAMPLE_UNSUBSCRIBE_TOKEN}`

let keys: { cipher: Buffer; mac: Buffer } | undefined

function derivedKeys() {
  if (!keys) {
    const material = Buffer.from(
      hkdfSync('sha256', appKey.release(), '', 'mailings unsubscribe link v1', 64)
    )
    keys = { cipher: material.subarray(0, 32), mac: material.subarray(32) }
  }
  return keys
}

function tagOf(block: Buffer) {
  return createHmac('sha256', derivedKeys().mac).update(block).digest().subarray(0, TAG_BYTES)
}

let encryptor: ReturnType<typeof createCipheriv> | undefined

/**
 * One AES block, without padding or chaining: exactly the 16 bytes of
 * two ids in, 16 bytes out. ECB without padding keeps no state between
 * blocks, so one encryptor serves every token (the engine makes one per
 * message).
 */
function encipher(block: Buffer, direction: 'encrypt' | 'decrypt') {
  if (direction === 'encrypt') {
    encryptor ??= createCipheriv('aes-256-ecb', derivedKeys().cipher, null).setAutoPadding(false)
    return encryptor.update(block)
  }
  const decipher = createDecipheriv('aes-256-ecb', derivedKeys().cipher, null)
  decipher.setAutoPadding(false)
  return Buffer.concat([decipher.update(block), decipher.final()])
}

export interface UnsubscribeRecipient {
  id: number
  tenantId: number
}

/**
 * The opaque token of a client's unsubscribe link.
 */
export function unsubscribeToken(client: UnsubscribeRecipient) {
  const ids = Buffer.alloc(BLOCK_BYTES)
  ids.writeBigUInt64BE(BigInt(client.tenantId), 0)
  ids.writeBigUInt64BE(BigInt(client.id), ID_BYTES)
  const block = encipher(ids, 'encrypt')
  return Buffer.concat([block, tagOf(block)]).toString('base64url')
}

/**
 * The workspace and client a token was issued for, or null for anything
 * we did not issue (garbled, truncated, forged or made with another key).
 */
export function clientFromUnsubscribeToken(token: string): UnsubscribeRecipient | null {
  if (!TOKEN_PATTERN.test(token)) return null
  const bytes = Buffer.from(token, 'base64url')
  // Node ignores the unused low bits of the last character: insist on the
  // one spelling we issue, so a client has exactly one token.
  if (bytes.length !== TOKEN_BYTES || bytes.toString('base64url') !== token) return null

  const block = bytes.subarray(0, BLOCK_BYTES)
  if (!timingSafeEqual(bytes.subarray(BLOCK_BYTES), tagOf(block))) return null

  const ids = encipher(block, 'decrypt')
  const tenantId = Number(ids.readBigUInt64BE(0))
  const id = Number(ids.readBigUInt64BE(ID_BYTES))
  if (!Number.isSafeInteger(tenantId) || !Number.isSafeInteger(id)) return null
  return { tenantId, id }
}

/**
 * The absolute unsubscribe link of a client, for `{{ unsubscribe_url }}`
 * and the List-Unsubscribe header. Plain string building: the sending
 * engine calls it once per recipient.
 */
export function unsubscribeUrl(client: UnsubscribeRecipient) {
  return `${appUrl}/u/${unsubscribeToken(client)}`
}

/**
 * The headers that give mail programs an "Unsubscribe" button which works
 * in one click, without opening a browser (RFC 2369 and RFC 8058).
 */
export function unsubscribeHeaders(url: string) {
  return {
    'List-Unsubscribe': `<${url}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  }
}
