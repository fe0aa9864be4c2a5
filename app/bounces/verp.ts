import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto'
import { appKey } from '#config/app'

/**
 * VERP: each delivery's envelope sender (Return-Path) is an address of its
 * own, `bounces+<token>@<BOUNCE_DOMAIN>`, so a bounce tells which delivery
 * it is about by the address it was sent to, whatever the remote server
 * wrote in it.
 *
 * The token is 26 characters, base32 in lower case (servers may fold the
 * case of a local part; base32 survives that, base64 does not): one AES-256
 * block of 16 bytes, enciphering 8 zero bytes followed by the delivery id
 * (8 bytes, big-endian).
 *
 * - Opaque: a single block under a secret key is a pseudorandom
 *   permutation, so tokens reveal neither ids nor volumes.
 * - Unforgeable: a block nobody issued deciphers to 16 random bytes, whose
 *   first 8 are all zero with a chance of 2^-64. The zero bytes are the
 *   signature (encryption with redundancy), and checking them costs one
 *   block decryption, no second primitive.
 *
 * The key is derived from APP_KEY for this purpose only (HKDF, its own
 * info string), so it is never the key of another token. Changing APP_KEY
 * makes bounces of mail sent before it unreadable (they are dropped).
 */

const BLOCK_BYTES = 16
const CHECK_BYTES = 8
const TOKEN_LENGTH = 26
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'
const TOKEN_PATTERN = /^[a-z2-7]{26}$/

let key: Buffer | undefined
let encryptor: ReturnType<typeof createCipheriv> | undefined
let decryptor: ReturnType<typeof createDecipheriv> | undefined

function derivedKey() {
  key ??= Buffer.from(hkdfSync('sha256', appKey.release(), '', 'mailings bounce address v1', 32))
  return key
}

/**
 * ECB without padding keeps no state between blocks: one cipher object
 * serves every token (the engine makes one per message).
 */
function encipher(block: Buffer) {
  encryptor ??= createCipheriv('aes-256-ecb', derivedKey(), null).setAutoPadding(false)
  return encryptor.update(block)
}

function decipher(block: Buffer) {
  decryptor ??= createDecipheriv('aes-256-ecb', derivedKey(), null).setAutoPadding(false)
  return decryptor.update(block)
}

function base32(bytes: Buffer) {
  let out = ''
  let bits = 0
  let value = 0
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
    value &= (1 << bits) - 1
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31]
  return out
}

function fromBase32(text: string) {
  const bytes = Buffer.alloc(BLOCK_BYTES)
  let bits = 0
  let value = 0
  let index = 0
  for (const char of text) {
    value = (value << 5) | ALPHABET.indexOf(char)
    bits += 5
    if (bits >= 8) {
      if (index < BLOCK_BYTES) bytes[index++] = (value >>> (bits - 8)) & 255
      bits -= 8
    }
    value &= (1 << bits) - 1
  }
  // 26 characters carry 130 bits: the last 2 must be zero, so each block
  // has exactly one spelling.
  return value === 0 ? bytes : null
}

/**
 * The token of a delivery's bounce address.
 */
export function bounceToken(deliveryId: number) {
  const block = Buffer.alloc(BLOCK_BYTES)
  block.writeBigUInt64BE(BigInt(deliveryId), CHECK_BYTES)
  return base32(encipher(block))
}

/**
 * The delivery a token was issued for, or null for anything we did not
 * issue (garbled, truncated, forged, or made under another APP_KEY).
 */
export function deliveryIdFromBounceToken(token: string): number | null {
  const lower = token.toLowerCase()
  if (lower.length !== TOKEN_LENGTH || !TOKEN_PATTERN.test(lower)) return null
  const block = fromBase32(lower)
  if (!block) return null
  const plain = decipher(block)
  for (let i = 0; i < CHECK_BYTES; i++) if (plain[i] !== 0) return null
  const id = Number(plain.readBigUInt64BE(CHECK_BYTES))
  return Number.isSafeInteger(id) && id > 0 ? id : null
}

/**
 * The Return-Path under `domain` that carries a delivery's token.
 */
export function bounceAddress(token: string, domain: string) {
  return `bounces+${token}@${domain}`
}

/**
 * The token of a VERP address of `domain` (`bounces+<token>@domain`, in
 * any case, with or without angle brackets), or null for any other address.
 */
export function tokenOfBounceAddress(address: string, domain: string | null) {
  const match = /^<?bounces\+([a-z2-7]+)@([^>\s]+)>?$/i.exec(address.trim())
  if (!match) return null
  if (domain && match[2].toLowerCase() !== domain) return null
  return match[1].toLowerCase()
}
