import db from '@adonisjs/lucid/services/db'

/**
 * A run's exact counts, from its deliveries. The run row's counters are
 * added to as slices settle (delivery_settlements.ts); CompleteRun rewrites
 * them with these when it closes the run, so a worker that died between a
 * send and its settlement leaves no trace in the final numbers.
 */
export async function countRunDeliveries(runId: number) {
  const rows = await db
    .from('deliveries')
    .where('run_id', runId)
    .groupBy('status')
    .select('status')
    .count('* as total')
  const count = (status: string) => Number(rows.find((row) => row.status === status)?.total ?? 0)
  // A bounced or complained-of message was sent: the server accepted it.
  // Their own counters are left to RecordBounce, which moves them with the
  // delivery (a report may come in while the run closes).
  const sent = count('sent') + count('bounced') + count('complained')
  return { sent, failed: count('failed'), skipped: count('skipped') }
}
