import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Tenant from '#models/tenant'
import User, { type Role } from '#models/user'
import Membership from '#models/membership'
import { isValidTimeZone } from '#validators/workspace'

export interface CreateUserWithTenantInput {
  fullName: string
  email: string
  password: string
  role?: Role
  workspaceName?: string | null
  timeZone?: string | null
  verified?: boolean
}

/**
 * Creates a person and the workspace they own (its first owner), atomically. Sign-up, the
 * `users:create` command and the demo seeder all go through here.
 */
export default class CreateUserWithTenant {
  static async handle(input: CreateUserWithTenantInput) {
    return db.transaction(async (trx) => {
      const tenant = await Tenant.create(
        {
          name: input.workspaceName || defaultWorkspaceName(input.fullName),
          timeZone: isValidTimeZone(input.timeZone) ? input.timeZone : 'UTC',
        },
        { client: trx }
      )

      const user = await User.create(
        {
          lastTenantId: tenant.id,
          fullName: input.fullName,
          email: input.email,
          password: input.password,
          role: input.role ?? 'user',
          emailVerifiedAt: input.verified ? DateTime.now() : null,
        },
        { client: trx }
      )
      await Membership.create(
        { tenantId: tenant.id, userId: user.id, role: 'owner' },
        { client: trx }
      )

      return { tenant, user }
    })
  }
}

/**
 * "Ada's workspace", from the first word of the name, cut so that it fits
 * the 120 characters a workspace name has (the column, the workspace form):
 * a long one-word name (or an email used as a name) must not fail the
 * sign-up on PostgreSQL, which enforces the length.
 */
function defaultWorkspaceName(fullName: string) {
  const suffix = "'s workspace"
  const first = Array.from(fullName.trim().split(/\s+/)[0])
  while (first.join('').length + suffix.length > 120) first.pop()
  return `${first.join('')}${suffix}`
}
