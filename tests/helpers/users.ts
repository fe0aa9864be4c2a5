import CreateUserWithTenant from '#actions/users/create_user_with_tenant'
import type { Role } from '#models/user'

let sequence = 0

export const STRONG_PASSWORD = 'violet-harbour-tango-42'

/**
 * A verified user with their own workspace; every call makes a new one.
 */
export async function createUser(
  overrides: { role?: Role; verified?: boolean; email?: string; fullName?: string } = {}
) {
  sequence += 1
  const unique = `${Date.now().toString(36)}${sequence}`
  return CreateUserWithTenant.handle({
    fullName: overrides.fullName ?? `Test User ${sequence}`,
    email: overrides.email ?? `user-${unique}@example.com`,
    password: STRONG_PASSWORD,
    role: overrides.role ?? 'user',
    verified: overrides.verified ?? true,
  })
}
