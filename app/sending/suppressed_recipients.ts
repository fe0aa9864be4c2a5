/**
 * How the engine names a delivery skipped because its address is on the
 * workspace's suppression list (migration 32): "Suppressed: hard bounce",
 * "Suppressed: complaint", "Suppressed: manual", "Suppressed: unsubscribed".
 * SQL over a suppressions row aliased `s`, the same on SQLite and
 * PostgreSQL, for run start (start_run.ts) and the claims that pass over
 * addresses suppressed during a run (delivery_claims.ts).
 */
export const SUPPRESSED_REASON_SQL = `'Suppressed: ' || REPLACE(s.reason, '_', ' ')`

/**
 * The same words in Node, for pages and tests.
 */
export function suppressedReason(reason: string) {
  return `Suppressed: ${reason.replaceAll('_', ' ')}`
}
