import cache from '@adonisjs/cache/services/main'
import db from '@adonisjs/lucid/services/db'
import type Tenant from '#models/tenant'

/**
 * How many clients a workspace has, for the pages that show it (the
 * mailing page's "all clients" audience, the mailing list and form, the
 * dashboard). Counting them is a scan of the workspace's rows: 165 ms at a
 * million clients on PostgreSQL, on every view of a mailing page while it
 * sends (docs/benchmarks.md, "At scale"). So the count is cached (memory in
 * front of Redis, cleared across processes by the cache bus) and forgotten
 * by every action that adds or deletes clients (CreateClient, UpsertClients,
 * DeleteClients): the next view counts again.
 *
 * The TTL bounds how long a count stays wrong when clients are written some
 * other way (seeders, a database restored under a running app).
 */
const TTL = '10m'

/**
 * A view that counted just before a write committed could store the old
 * count after the write forgot it; forgetting once more after this long
 * (longer than a count takes) drops that count too.
 */
const FORGET_AGAIN_AFTER_MS = 5_000

/**
 * Keyed by the workspace's id and creation time, so a database reset under
 * a running cache (tests, benchmarks, development) never reads the count of
 * another workspace that had the same id.
 */
function keyOf(tenant: Tenant) {
  return `clients-count:${tenant.id}:${tenant.createdAt.toMillis()}`
}

export async function countWorkspaceClients(tenant: Tenant): Promise<number> {
  return cache.getOrSet({
    key: keyOf(tenant),
    ttl: TTL,
    factory: async () => {
      const [{ total }] = await db.from('clients').where('tenant_id', tenant.id).count('* as total')
      return Number(total)
    },
  })
}

/**
 * Called after clients were added or deleted (after the commit).
 */
export async function forgetWorkspaceClientCount(tenant: Tenant) {
  const key = keyOf(tenant)
  await cache.delete({ key })
  setTimeout(() => cache.delete({ key }).catch(() => {}), FORGET_AGAIN_AFTER_MS).unref()
}
