import cache from '@adonisjs/cache/services/main'
import db from '@adonisjs/lucid/services/db'
import type Tenant from '#models/tenant'

/**
 * How many clients a workspace has and how many of them are pending (signed
 * up through a form, not confirmed), for the pages that show it: the
 * dashboard shows both, the mailing page, list and form the clients an "all
 * clients" mailing goes to (`mailableClients`: a run never mails a pending
 * client). Counting them is a scan of the workspace's rows: 165 ms at a
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
  return `clients-counts:${tenant.id}:${tenant.createdAt.toMillis()}`
}

export interface WorkspaceClientCounts {
  total: number
  pending: number
}

export async function countWorkspaceClients(tenant: Tenant): Promise<WorkspaceClientCounts> {
  return cache.getOrSet({
    key: keyOf(tenant),
    ttl: TTL,
    factory: async () => {
      // COUNT(column) counts the non-null ones: both numbers in one scan.
      const [row] = await db
        .from('clients')
        .where('tenant_id', tenant.id)
        .count('* as total')
        .count('pending_at as pending')
      return { total: Number(row.total), pending: Number(row.pending) }
    },
  })
}

/**
 * The clients an "all clients" mailing goes to: every one but the pending
 * (the unsubscribed are counted, as a run lists them as skipped).
 */
export function mailableClients(counts: WorkspaceClientCounts) {
  return counts.total - counts.pending
}

/**
 * Called after clients were added, deleted or stopped being pending (after
 * the commit).
 */
export async function forgetWorkspaceClientCount(tenant: Tenant) {
  const key = keyOf(tenant)
  await cache.delete({ key })
  setTimeout(() => cache.delete({ key }).catch(() => {}), FORGET_AGAIN_AFTER_MS).unref()
}
