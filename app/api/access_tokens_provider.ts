import { DbAccessTokensProvider, AccessToken } from '@adonisjs/auth/access_tokens'
import type { Secret } from '@adonisjs/core/helpers'
import type { LucidModel } from '@adonisjs/lucid/types/model'

/**
 * How stale "last used" may be: a token called 100 times a second writes
 * its row once a minute, not 100 times a second.
 */
const LAST_USED_PRECISION_MS = 60_000

/**
 * A token with the workspace it acts in (`auth_access_tokens.tenant_id`);
 * null only for a row the workspace was never written to, which the API
 * refuses.
 */
export type WorkspaceAccessToken = AccessToken & { tenantId: number | null }

/**
 * The auth package's database tokens provider, with changes:
 * - a token belongs to one workspace as well as one user (teams): `create`
 *   takes `tenantId` (by default the workspace the user was last in) and
 *   `verify` returns it;
 * - "last used" is recorded only once the secret and expiry have been
 *   checked (a guessed token id does not touch it), and at most once a
 *   minute per token (on SQLite every write is a disk sync).
 */
export class ApiAccessTokensProvider<
  TokenableModel extends LucidModel,
> extends DbAccessTokensProvider<TokenableModel> {
  /**
   * The package's insert has no room for another column, so the workspace
   * is written just after. Until then the row has none, and a token without
   * a workspace is refused: the gap fails closed.
   */
  async create(
    user: InstanceType<TokenableModel>,
    abilities?: string[],
    options?: { name?: string; expiresIn?: string | number; tenantId?: number }
  ): Promise<WorkspaceAccessToken> {
    const token = await super.create(user, abilities, options)
    const tenantId =
      options?.tenantId ?? (user as unknown as { lastTenantId: number | null }).lastTenantId
    const db = await this.getDb()
    await db.from(this.table).where({ id: token.identifier }).update({ tenant_id: tenantId })
    return Object.assign(token, { tenantId })
  }

  async verify(tokenValue: Secret<string>) {
    const decoded = AccessToken.decode(this.prefix, tokenValue.release())
    if (!decoded) return null

    const db = await this.getDb()
    const row = await db
      .query()
      .from(this.table)
      .where({ id: decoded.identifier, type: this.type })
      .first()
    if (!row) return null

    const token: WorkspaceAccessToken = Object.assign(this.dbRowToAccessToken(row), {
      tenantId: (row.tenant_id as number | null) ?? null,
    })
    if (!token.verify(decoded.secret) || token.isExpired()) return null

    const now = new Date()
    const lastUsed = token.lastUsedAt ? new Date(token.lastUsedAt).getTime() : 0
    if (now.getTime() - lastUsed >= LAST_USED_PRECISION_MS) {
      await db.from(this.table).where({ id: row.id }).update({ last_used_at: now })
      token.lastUsedAt = now
    }
    return token
  }
}
