import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Tenant from '#models/tenant'
import type { Role } from '#models/user'

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
 * Creates a person and the workspace they own, atomically. Sign-up, the
 * `users:create` command and the demo seeder all go through here.
 */
export default class CreateUserWithTenant {
  static async handle(input: CreateUserWithTenantInput) {
    return db.transaction(async (trx) => {
      const tenant = await Tenant.create(
        {
          name: input.workspaceName || `${input.fullName.split(/\s+/)[0]}'s workspace`,
          timeZone: isValidTimeZone(input.timeZone) ? input.timeZone : 'UTC',
        },
        { client: trx }
      )

      const user = await tenant.related('users').create({
        fullName: input.fullName,
        email: input.email,
        password: input.password,
        role: input.role ?? 'user',
        emailVerifiedAt: input.verified ? DateTime.now() : null,
      })

      return { tenant, user }
    })
  }
}

export function isValidTimeZone(zone: string | null | undefined): zone is string {
  return !!zone && DateTime.now().setZone(zone).isValid
}
