import vine from '@vinejs/vine'
import { TOKEN_ABILITIES } from '#api/abilities'

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
    abilities: vine
      .array(vine.enum(TOKEN_ABILITIES))
      // One ticked box arrives as a single value, not a list.
      .parse((value) =>
        value === undefined || value === null || Array.isArray(value) ? value : [value]
      )
      .minLength(1)
      .distinct(),
    expiresIn: vine.enum(Object.keys(TOKEN_LIFETIMES) as (keyof typeof TOKEN_LIFETIMES)[]),
  })
)
