import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { setTimeout as sleep } from 'node:timers/promises'
import { DateTime } from 'luxon'

/**
 * The operator's command: send what is due now (the same tick the built-in
 * scheduler runs every SCHEDULER_INTERVAL), or start one mailing now.
 * Usable from crontab with --sync, which sends in this process without a
 * worker.
 */
export default class MailingsSend extends BaseCommand {
  static commandName = 'mailings:send'
  static description = 'Send the mailings that are due now, or one mailing now'
  static help = [
    'node ace mailings:send                  start every due run; workers send it',
    'node ace mailings:send --sync           start and send due runs in this process (crontab)',
    'node ace mailings:send --mailing=42     start a run of mailing 42 now',
    'node ace mailings:send --dry-run        print who would receive what, send nothing',
  ]

  static options: CommandOptions = { startApp: true }

  @flags.number({ description: 'Start a run of this mailing now' })
  declare mailing?: number

  @flags.boolean({ description: 'Send in this process instead of queueing for workers' })
  declare sync?: boolean

  @flags.boolean({ description: 'Print the recipients and subjects; send nothing' })
  declare dryRun?: boolean

  async run() {
    const { default: Mailing } = await import('#models/mailing')
    const { default: StartRun } = await import('#sending/start_run')
    const { default: StartDueRuns } = await import('#sending/start_due_runs')
    const startedAt = Date.now()

    if (this.mailing !== undefined && (!Number.isInteger(this.mailing) || this.mailing < 1)) {
      return this.#fail('--mailing must be the id of a mailing (a positive whole number).')
    }

    const mailing = this.mailing
      ? await Mailing.query().where('id', this.mailing).preload('message').first()
      : null
    if (this.mailing && !mailing) return this.#fail(`There is no mailing #${this.mailing}.`)
    if (
      mailing &&
      (mailing.archivedAt || ['disabled', 'paused', 'completed'].includes(mailing.status))
    ) {
      return this.#fail(
        `Mailing #${mailing.id} is ${mailing.archivedAt ? 'archived' : mailing.status}: it cannot send now.`
      )
    }

    if (this.dryRun) return this.#dryRun(mailing)

    const dispatch = !this.sync
    const runs = mailing
      ? [await StartRun.handle(mailing, DateTime.now(), { dispatch })].filter((run) => run !== null)
      : await StartDueRuns.handle(DateTime.now(), { dispatch })

    if (runs.length === 0) {
      this.logger.info('Nothing is due now.')
      return
    }
    if (dispatch) {
      this.logger.success(`Started ${runs.length} run(s); the workers are sending them.`)
      return
    }

    const totals = { sent: 0, failed: 0, skipped: 0, unfinished: 0 }
    for (const run of runs) {
      const result = await this.#sendInProcess(run.id)
      totals.sent += result.sent
      totals.failed += result.failed
      totals.skipped += result.skipped
      if (result.status !== 'completed') totals.unfinished += 1
    }
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1)
    this.logger.log(
      `Sent ${totals.sent}, failed ${totals.failed}, skipped ${totals.skipped} in ${seconds} s.`
    )
    if (totals.failed > 0 || totals.unfinished > 0) this.exitCode = 1
  }

  /**
   * Runs the run's batches here, one after the other, with a progress bar.
   * Nothing is queued: a batch with work left (a retry the server asked
   * for, a claim of a process that died) says when it is due, and the
   * command waits until then and sends it, so the run ends here as it would
   * with workers. A crontab job must end, though: it waits at most what a
   * delivery's own retries, one back-off and a dead process's claims take,
   * then leaves the rest to a worker and says so.
   */
  async #sendInProcess(runId: number) {
    const { default: MailingRun } = await import('#models/mailing_run')
    const { default: sendingConfig } = await import('#config/sending')
    const { batchRanges } = await import('#sending/batch_ranges')
    const { default: SendBatch } = await import('#sending/send_batch')
    const { default: CompleteRun } = await import('#sending/complete_run')
    const { longestRetryWait } = await import('#sending/delivery_settlements')

    const ranges = await batchRanges(runId)
    const batches = ranges.map(([fromId, toId]) => ({
      range: { runId, fromId, toId },
      dueAt: Date.now() as number | null,
    }))
    // A run with nothing to send: DispatchBatches would complete it.
    if (batches.length === 0) await CompleteRun.handle(runId)
    let waitBudget = longestRetryWait() + sendingConfig.retryDelay + sendingConfig.staleAfter
    let run = await MailingRun.findOrFail(runId)

    while (run.status === 'running') {
      const dueAts = batches.flatMap(({ dueAt }) => (dueAt === null ? [] : [dueAt]))
      if (dueAts.length === 0) break
      const wait = Math.min(...dueAts) - Date.now()
      if (wait > waitBudget) {
        process.stdout.write('\n')
        this.logger.warning(
          `Run #${runId} still has ${run.total - run.done} message(s) to send after the longest retry wait; a worker (node ace queue:listen) sends them.`
        )
        break
      }
      if (wait > 0) {
        process.stdout.write('\n')
        this.logger.info(
          `${run.total - run.done} message(s) to retry; waiting ${(wait / 1000).toFixed(1)} s.`
        )
        await sleep(wait)
        waitBudget -= wait
      }
      for (const batch of batches) {
        if (batch.dueAt === null || batch.dueAt > Date.now()) continue
        batch.dueAt = await SendBatch.handle(batch.range, { requeue: false })
        run = await MailingRun.findOrFail(runId)
        this.#progress(run.done, run.total)
        if (run.status !== 'running') break
      }
    }
    process.stdout.write('\n')
    if (run.status !== 'completed' && run.status !== 'running') {
      this.logger.warning(
        `Run #${runId} is ${run.status}: ${run.statusReason ?? 'no reason given'}`
      )
    }
    return run
  }

  #progress(done: number, total: number) {
    const width = 30
    const filled = total === 0 ? width : Math.round((done / total) * width)
    process.stdout.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`)
  }

  async #dryRun(mailing: any) {
    const { default: Mailing } = await import('#models/mailing')
    const { default: db } = await import('@adonisjs/lucid/services/db')
    const { sqlTime } = await import('#services/database/sql_time')
    const mailings = mailing
      ? [mailing]
      : await Mailing.query()
          .whereIn('status', ['created', 'running'])
          .whereNull('archived_at')
          .where('next_run_at', '<=', sqlTime())
          .preload('message')
    if (mailings.length === 0) {
      this.logger.info('Nothing is due now.')
      return
    }
    for (const item of mailings) {
      const recipients = db
        .from('clients')
        .where('tenant_id', item.tenantId)
        .whereNull('unsubscribed_at')
      if (item.audience === 'selected') {
        recipients.whereIn(
          'id',
          db.from('mailing_recipients').where('mailing_id', item.id).select('client_id')
        )
      }
      const rows = await recipients.orderBy('id').limit(50).select('email')
      const [{ total }] = await recipients
        .clone()
        .clearSelect()
        .clearOrder()
        .clearLimit()
        .count('* as total')
      this.logger.log(
        `Mailing #${item.id} "${item.name}": "${item.message.subject}" to ${total} client(s)`
      )
      for (const row of rows) this.logger.log(`  ${row.email}`)
      if (Number(total) > rows.length)
        this.logger.log(`  … and ${Number(total) - rows.length} more`)
    }
  }

  #fail(sentence: string) {
    this.logger.error(sentence)
    this.exitCode = 1
  }
}
