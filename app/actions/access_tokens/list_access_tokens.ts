import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import type Tenant from '#models/tenant'

export interface WorkspaceTokenRow {
  identifier: number
  name: string | null
  abilities: string[]
  lastUsedAt: Date | null
  expiresAt: Date | null
  userId: number
  memberName: string | null
  memberEmail: string
}

/**
 * The API tokens made for a workspace, newest first: the member's own, or
 * (`otherMembers`, for its admins) every other member's, so the page lists
 * each token once. Tokens made for another workspace never show here.
 */
export default class ListAccessTokens {
  static async handle(
    user: User,
    tenant: Tenant,
    { otherMembers = false }: { otherMembers?: boolean } = {}
  ): Promise<WorkspaceTokenRow[]> {
    const query = db
      .from('auth_access_tokens')
      .join('users', 'users.id', 'auth_access_tokens.tokenable_id')
      .where('auth_access_tokens.tenant_id', tenant.id)
      .select(
        'auth_access_tokens.id',
        'auth_access_tokens.name',
        'auth_access_tokens.abilities',
        'auth_access_tokens.last_used_at',
        'auth_access_tokens.expires_at',
        'auth_access_tokens.tokenable_id',
        'users.full_name',
        'users.email'
      )
      .orderBy('auth_access_tokens.id', 'desc')
    if (otherMembers) query.whereNot('auth_access_tokens.tokenable_id', user.id)
    else query.where('auth_access_tokens.tokenable_id', user.id)

    const rows = await query
    return rows.map((row) => ({
      identifier: Number(row.id),
      name: row.name,
      abilities: typeof row.abilities === 'string' ? JSON.parse(row.abilities) : row.abilities,
      lastUsedAt: row.last_used_at ? new Date(row.last_used_at) : null,
      expiresAt: row.expires_at ? new Date(row.expires_at) : null,
      userId: Number(row.tokenable_id),
      memberName: row.full_name,
      memberEmail: row.email,
    }))
  }
}
