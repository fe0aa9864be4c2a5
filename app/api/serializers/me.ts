import type { AccessToken } from '@adonisjs/auth/access_tokens'
import type Tenant from '#models/tenant'
import type User from '#models/user'
import { ROLES } from '#models/user'
import { TOKEN_ABILITIES } from '#api/abilities'
import { isoTime, nullableTimeSchema } from '#api/serializers/time'
import { DateTime } from 'luxon'

/**
 * `GET /me`: the token's user, workspace and abilities (`Me` in the
 * OpenAPI document).
 */
export function serializeMe(user: User, tenant: Tenant, token: AccessToken) {
  return {
    user: { id: user.id, email: user.email, full_name: user.fullName, role: user.role },
    workspace: { id: tenant.id, name: tenant.name, time_zone: tenant.timeZone },
    token: {
      name: token.name,
      abilities: token.abilities,
      expires_at: token.expiresAt ? isoTime(DateTime.fromJSDate(token.expiresAt)) : null,
    },
  }
}

export const meSchema = {
  type: 'object',
  required: ['user', 'workspace', 'token'],
  additionalProperties: false,
  properties: {
    user: {
      type: 'object',
      required: ['id', 'email', 'full_name', 'role'],
      additionalProperties: false,
      properties: {
        id: { type: 'integer' },
        email: { type: 'string', format: 'email' },
        full_name: { type: 'string' },
        role: { type: 'string', enum: [...ROLES] },
      },
    },
    workspace: {
      type: 'object',
      required: ['id', 'name', 'time_zone'],
      additionalProperties: false,
      properties: {
        id: { type: 'integer' },
        name: { type: 'string' },
        time_zone: {
          type: 'string',
          description: 'IANA zone; mailing times are entered in it.',
          examples: ['Europe/Paris'],
        },
      },
    },
    token: {
      type: 'object',
      required: ['name', 'abilities', 'expires_at'],
      additionalProperties: false,
      properties: {
        name: { type: ['string', 'null'] },
        abilities: { type: 'array', items: { type: 'string', enum: [...TOKEN_ABILITIES] } },
        expires_at: nullableTimeSchema,
      },
    },
  },
} as const
