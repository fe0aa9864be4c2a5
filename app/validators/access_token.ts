import vine from '@vinejs/vine'
import { LEAST_ROLE_FOR_ABILITY, TOKEN_ABILITIES, type TokenAbility } from '#api/abilities'
import { oneOrMany } from '#validators/rules/one_or_many'
import { roleAtLeast, type WorkspaceRole } from '#teams/workspace_roles'

/**
 * How long a new token lives: a few fixed choices, or until revoked.
 */
export const TOKEN_LIFETIMES = {
  '30': '30 days',
  '90': '90 days',
  '365': '1 year',
  'never': 'No expiry',
} as const

/**
 * What the token form knows: the member's role in the workspace the token
 * is made for.
 */
export interface AccessTokenMeta {
  role: WorkspaceRole
}

/**
 * The abilities the member's role could never use (LEAST_ROLE_FOR_ABILITY).
 */
export function abilitiesBeyondRole(role: WorkspaceRole, abilities: readonly string[]) {
  return abilities.filter((ability) => {
    const least = LEAST_ROLE_FOR_ABILITY[ability as TokenAbility]
    return least !== undefined && !roleAtLeast(role, least)
  })
}

/**
 * A token never gets an ability its member's role refuses: the API would
 * refuse it anyway, so ticking one is a mistake to show beside the field.
 */
const withinRole = vine.createRule((value, _options, field) => {
  if (!Array.isArray(value)) return
  const { role } = field.meta as AccessTokenMeta
  const refused = abilitiesBeyondRole(role, value)
  if (refused.length > 0) {
    field.report(
      `Your role in this workspace (${role}) cannot use ${refused.join(', ')}: untick ${refused.length === 1 ? 'it' : 'them'}`,
      'abilities.role',
      field
    )
  }
})

export const createAccessTokenValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(100),
    abilities: vine
      .array(vine.enum(TOKEN_ABILITIES))
      .parse(oneOrMany)
      .minLength(1)
      .distinct()
      .use(withinRole()),
    expiresIn: vine.enum(Object.keys(TOKEN_LIFETIMES) as (keyof typeof TOKEN_LIFETIMES)[]),
  })
)
