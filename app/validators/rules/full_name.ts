import vine from '@vinejs/vine'

export const FULL_NAME_MIN_LENGTH = 2
export const FULL_NAME_MAX_LENGTH = 120

/**
 * A person's name, wherever one is entered (sign-up, profile,
 * `node ace users:create`).
 */
export const fullName = () =>
  vine.string().trim().minLength(FULL_NAME_MIN_LENGTH).maxLength(FULL_NAME_MAX_LENGTH)

/**
 * The name given when none is: the part of the email before @, or the whole
 * address when that part is too short to be a name (`a@example.com`), never
 * longer than a name may be. Always valid, so the operator never reads an
 * error about a flag they did not give.
 */
export function fullNameFromEmail(email: string) {
  const address = email.trim()
  const local = address.split('@')[0].trim()
  const name = local.length >= FULL_NAME_MIN_LENGTH ? local : address
  if (name.length < FULL_NAME_MIN_LENGTH) return 'New user'
  // Cut by characters, not UTF-16 units, so no half of an emoji is left.
  const characters = Array.from(name)
  while (characters.join('').length > FULL_NAME_MAX_LENGTH) characters.pop()
  return characters.join('').trim()
}
