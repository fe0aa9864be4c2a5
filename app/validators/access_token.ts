import vine from '@vinejs/vine'
import { TOKEN_ABILITIES } from '#api/abilities'
import { oneOrMany } from '#validators/rules/one_or_many'

/**
 * How long a new token lives: a few fixed choices, or until revoked.
 */
export const TOKEN_LIFETIMES = {
  '30': '30 days',
  '90': '90 days',
  '365': '1 year',
  'never': 'No expiry',
} as const

export const createAccessTokenValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(100),
    abilities: vine.array(vine.enum(TOKEN_ABILITIES)).parse(oneOrMany).minLength(1).distinct(),
    expiresIn: vine.enum(Object.keys(TOKEN_LIFETIMES) as (keyof typeof TOKEN_LIFETIMES)[]),
  })
)
