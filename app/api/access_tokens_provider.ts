import { DbAccessTokensProvider, AccessToken } from '@adonisjs/auth/access_tokens'
import type { Secret } from '@adonisjs/core/helpers'
import type { LucidModel } from '@adonisjs/lucid/types/model'

/**
 * How stale "last used" may be: a token called 100 times a second writes
 * its row once a minute, not 100 times a second.
 */
const LAST_USED_PRECISION_MS = 60_000

/**
 * The auth package's database tokens provider, with two changes to
 * `verify`: "last used" is recorded only once the secret and expiry have
 * been checked (a guessed token id does not touch it), and at most once a
 * minute per token (on SQLite every write is a disk sync).
 */
export class ApiAccessTokensProvider<
  TokenableModel extends LucidModel,
> extends DbAccessTokensProvider<TokenableModel> {
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

    const token = this.dbRowToAccessToken(row)
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
