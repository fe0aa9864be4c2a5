import db from '@adonisjs/lucid/services/db'

/**
 * A run's sent and failed counters, added up in memory by a batch and
 * written in one UPDATE per slice of messages rather than one per message
 * (the run row is shared by every worker sending that run). A worker that
 * dies loses at most its unwritten increments; CompleteRun counts the run's
 * deliveries again when it closes it, so the final numbers are exact.
 */
export default class RunCounters {
  #sent = 0
  #failed = 0

  constructor(private runId: number) {}

  add(status: 'sent' | 'failed' | 'queued') {
    if (status === 'sent') this.#sent += 1
    if (status === 'failed') this.#failed += 1
  }

  async flush() {
    if (this.#sent === 0 && this.#failed === 0) return
    const { sent, failed } = { sent: this.#sent, failed: this.#failed }
    this.#sent = 0
    this.#failed = 0
    await db.from('mailing_runs').where('id', this.runId).increment({ sent, failed })
  }

  /**
   * The exact counts, from the deliveries themselves.
   */
  static async count(runId: number) {
    const rows = await db
      .from('deliveries')
      .where('run_id', runId)
      .groupBy('status')
      .select('status')
      .count('* as total')
    const count = (status: string) => Number(rows.find((row) => row.status === status)?.total ?? 0)
    return { sent: count('sent'), failed: count('failed'), skipped: count('skipped') }
  }
}
