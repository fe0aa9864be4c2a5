import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import AuditLog from '#models/audit_log'
import bouncesConfig from '#config/bounces'
import PauseRun from '#sending/pause_run'
import { sqlTime } from '#services/database/sql_time'

/**
 * Who the audit log names for what the platform does on its own.
 */
export const SYSTEM_ACTOR = 'system'

/**
 * Runs read at most to fill the window: a workspace of many tiny runs is
 * judged on these.
 */
const MOST_RUNS = 200

/**
 * The operator protects the reputation every workspace shares (listmonk's
 * and SES's practice): when a workspace's bounce or complaint rate over its
 * last REPUTATION_WINDOW messages passes BOUNCE_RATE_TO_PAUSE or
 * COMPLAINT_RATE_TO_PAUSE, its running mailings are paused (the owner sees
 * why; resuming is theirs to decide) and the staff find it in the admin
 * panel (an audit log entry by "system", listed on the panel's home).
 *
 * "The last N messages" are read from the run counters, newest runs first
 * until they hold N sent messages: a few rows, never the delivery log.
 * Bounces are the ones reported later (the `bounced` counter) and the hard
 * bounces at send time, which are `failed` deliveries the server never
 * took: counted from the workspace's suppression list (reason hard_bounce,
 * source smtp, since the window's oldest run), a few rows, and added to
 * the messages too. A workspace that has sent fewer is judged once it has
 * sent min(N, 100), so three messages and one bounce pause nobody.
 *
 * A workspace paused here and resumed is judged on the mail it sends after
 * the pause: the pause's audit entry keeps each window run's counters and
 * the last suppression's id as they were, and the next check counts only
 * what came since. Otherwise the next late bounce would find the same rate
 * over the same runs and pause it again at once.
 *
 * Called after each recorded bounce or complaint and once per settled
 * slice that had a hard bounce at send time (hard_bounces.ts); cheap when
 * nothing is wrong (three small queries), and quiet when the workspace is
 * already paused.
 */
export default class CheckWorkspaceReputation {
  static async handle(tenantId: number) {
    const { window, bounceRateToPause, complaintRateToPause } = bouncesConfig.reputation
    if (window <= 0 || (bounceRateToPause <= 0 && complaintRateToPause <= 0)) return null

    const since = await lastPause(tenantId)
    const runs = await db
      .from('mailing_runs')
      .where('tenant_id', tenantId)
      .where('sent', '>', 0)
      // Newest first on the (tenant_id, created_at) index.
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(MOST_RUNS)
      .select('id', 'sent', 'bounced', 'complained', 'created_at')
    let sent = 0
    let bounced = 0
    let complained = 0
    const windowRuns: RunCounters = {}
    let oldest: unknown = null
    for (const run of runs) {
      if (sent >= window) break
      const [baseSent, baseBounced, baseComplained] = since.runs[run.id] ?? [0, 0, 0]
      windowRuns[run.id] = [Number(run.sent), Number(run.bounced), Number(run.complained)]
      oldest = run.created_at
      sent += Number(run.sent) - baseSent
      bounced += Number(run.bounced) - baseBounced
      complained += Number(run.complained) - baseComplained
    }
    const { atSend, lastSuppressionId } = await hardBouncesAtSend(
      tenantId,
      oldest,
      since.suppressionId
    )
    sent += atSend
    bounced += atSend
    if (sent < Math.min(window, 100)) return null

    const bounceRate = bounced / sent
    const complaintRate = complained / sent
    const reasons = [
      bounceRateToPause > 0 && bounceRate > bounceRateToPause
        ? `bounce rate ${percent(bounceRate)} passed ${percent(bounceRateToPause)}`
        : null,
      complaintRateToPause > 0 && complaintRate > complaintRateToPause
        ? `complaint rate ${percent(complaintRate)} passed ${percent(complaintRateToPause)}`
        : null,
    ].filter(Boolean)
    if (reasons.length === 0) return null

    const reason = `Paused to protect sending reputation: ${reasons.join(', ')} over the last ${sent.toLocaleString('en')} messages`
    const paused = await pauseWorkspace(tenantId, reason)
    if (paused === 0) return null

    const tenant = await db.from('tenants').where('id', tenantId).select('name').first()
    await AuditLog.create({
      actorId: null,
      actorEmail: SYSTEM_ACTOR,
      action: 'workspace.sending_paused',
      subjectType: 'workspace',
      subjectId: tenantId,
      subjectLabel: tenant?.name?.slice(0, 250) ?? null,
      reason,
      details: {
        sent,
        bounced,
        complained,
        bounce_rate: bounceRate,
        complaint_rate: complaintRate,
        hard_bounces_at_send: atSend,
        paused_mailings: paused,
        // What the next check starts from (lastPause).
        runs: windowRuns,
        last_suppression_id: lastSuppressionId,
      },
    })
    logger.warn({ tenantId, sent, bounced, complained, paused }, reason)
    return { reason, paused }
  }
}

/** A run's sent, bounced and complained counters. */
type RunCounters = Record<string, [number, number, number]>

/**
 * Where the workspace's last pause left its counters: each window run's, and
 * the last suppression then. Nothing before a first pause.
 */
async function lastPause(tenantId: number) {
  const entry = await AuditLog.query()
    .where({ action: 'workspace.sending_paused', subjectType: 'workspace', subjectId: tenantId })
    .orderBy('id', 'desc')
    .first()
  const details = entry?.details ?? {}
  const runs = (details.runs && typeof details.runs === 'object' ? details.runs : {}) as RunCounters
  return { runs, suppressionId: Number(details.last_suppression_id ?? 0) }
}

/**
 * The hard bounces at send time (the address suppressed from the SMTP
 * answer, hard_bounces.ts) since the window's oldest run started and after
 * the last pause, and the workspace's newest suppression id.
 */
async function hardBouncesAtSend(tenantId: number, oldest: unknown, afterId: number) {
  const [counted, newest] = await Promise.all([
    oldest === null
      ? null
      : db
          .from('suppressions')
          .where({ tenant_id: tenantId, reason: 'hard_bounce', source: 'smtp' })
          .where('created_at', '>=', oldest as string)
          .where('id', '>', afterId)
          .count('* as total')
          .first(),
    db.from('suppressions').where('tenant_id', tenantId).max('id as id').first(),
  ])
  return { atSend: Number(counted?.total ?? 0), lastSuppressionId: Number(newest?.id ?? 0) }
}

/**
 * Pauses the workspace's running mailings (their running runs with
 * PauseRun, which pauses the mailing in the same transaction; periodic
 * mailings between two occurrences, which have none, directly). Returns how
 * many mailings were running: 0 when an earlier report already paused them.
 */
async function pauseWorkspace(tenantId: number, reason: string) {
  const running = await db
    .from('mailings')
    .where({ tenant_id: tenantId, status: 'running' })
    .count('* as total')
    .first()
  const count = Number(running?.total ?? 0)
  if (count === 0) return 0

  const runs = await db
    .from('mailing_runs')
    .where({ tenant_id: tenantId, status: 'running' })
    .select('id')
  for (const run of runs) await PauseRun.handle(run.id, reason)
  await db.from('mailings').where({ tenant_id: tenantId, status: 'running' }).update({
    status: 'paused',
    status_reason: reason,
    status_changed_by_id: null,
    updated_at: sqlTime(),
  })
  return count
}

function percent(rate: number) {
  return `${(rate * 100).toFixed(rate < 0.01 ? 2 : 1)} %`
}
