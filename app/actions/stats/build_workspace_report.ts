import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type Tenant from '#models/tenant'
import { countsOf, rateOf, successRate, type Counts } from '#services/mailings/run_counts'
import { sqlTime } from '#services/database/sql_time'

export interface ReportLine extends Counts {
  mailingId: number
  name: string
  archived: boolean
  /** Runs that sent (or are sending): all but the missed ones. */
  runs: number
  missed: number
}

export interface WorkspaceReportResult {
  /** The first and last day, inclusive, in the workspace's zone. */
  from: DateTime
  to: DateTime
  lines: ReportLine[]
  totals: Omit<ReportLine, 'mailingId' | 'name' | 'archived'>
}

/**
 * What the workspace's mailings did over a range of days in its own time
 * zone: per mailing, the runs that started in the range and their counters
 * summed, in one aggregate over the (tenant_id, created_at) index of
 * mailing_runs (a run's row is created when it starts, or when it is
 * recorded as missed). Never reads the delivery log.
 */
export default class BuildWorkspaceReport {
  static async handle(tenant: Tenant, range: { from: string; to: string }) {
    const from = DateTime.fromISO(range.from, { zone: tenant.timeZone }).startOf('day')
    const to = DateTime.fromISO(range.to, { zone: tenant.timeZone }).startOf('day')

    const rows = await db
      .from('mailing_runs')
      .where('tenant_id', tenant.id)
      .where('created_at', '>=', sqlTime(from))
      .where('created_at', '<', sqlTime(to.plus({ days: 1 })))
      .groupBy('mailing_id')
      .select('mailing_id')
      .count('* as runs')
      .select(db.raw(`sum(case when status = 'missed' then 1 else 0 end) as missed`))
      .sum('total as total')
      .sum('sent as sent')
      .sum('failed as failed')
      .sum('skipped as skipped')
      .sum('bounced as bounced')
      .sum('complained as complained')

    const names = await tenant
      .related('mailings')
      .query()
      .whereIn(
        'id',
        rows.map((row) => row.mailing_id)
      )
      .select('id', 'name', 'archived_at')
    const mailings = new Map(names.map((mailing) => [mailing.id, mailing]))

    const lines: ReportLine[] = rows
      .map((row) => {
        const mailing = mailings.get(Number(row.mailing_id))!
        const missed = Number(row.missed)
        return {
          mailingId: mailing.id,
          name: mailing.name,
          archived: mailing.archivedAt !== null,
          runs: Number(row.runs) - missed,
          missed,
          ...countsOf(row),
        }
      })
      .sort((a, b) => a.name.localeCompare(b.name) || a.mailingId - b.mailingId)

    return { from, to, lines, totals: sum(lines) } satisfies WorkspaceReportResult
  }
}

function sum(lines: ReportLine[]) {
  const totals = {
    runs: 0,
    missed: 0,
    total: 0,
    queued: 0,
    sent: 0,
    failed: 0,
    skipped: 0,
    bounced: 0,
    complained: 0,
  }
  for (const line of lines) {
    for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += line[key]
  }
  return {
    ...totals,
    successRate: successRate(totals.sent, totals.failed),
    bounceRate: rateOf(totals.bounced, totals.sent),
    complaintRate: rateOf(totals.complained, totals.sent),
  }
}
