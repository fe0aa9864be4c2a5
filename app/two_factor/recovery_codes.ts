import { createHash, randomInt } from 'node:crypto'

/**
 * Recovery codes: ten per user, each works once. Ten characters from an
 * alphabet without look-alikes (no 0/O, 1/I/L), shown as xxxxx-xxxxx:
 * about 50 bits each, beyond guessing at five tries per fifteen minutes.
 */
export const RECOVERY_CODE_COUNT = 10
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'
const LENGTH = 10

export function newRecoveryCodes() {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)])
    return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`
  })
}

/**
 * What is stored for a code. Typed back by hand, so case, spaces and the
 * dash do not matter.
 */
export function recoveryCodeHash(code: string) {
  const normalized = code.toLowerCase().replace(/[^a-z0-9]/g, '')
  return createHash('sha256').update(normalized).digest('hex')
}

/** Whether an entry looks like a recovery code rather than a six-digit TOTP code. */
export function looksLikeRecoveryCode(entry: string) {
  return entry.replace(/[\s-]/g, '').length === LENGTH
}

/** The .txt a user downloads once, right after the codes are made. */
export function recoveryCodesText(email: string, codes: string[]) {
  return [
    `Mailings recovery codes for ${email}`,
    '',
    'Each code logs you in once, in place of a code from your authenticator app.',
    'Keep them somewhere safe: anyone with your password and one of these can log in.',
    '',
    ...codes,
    '',
  ].join('\n')
}
