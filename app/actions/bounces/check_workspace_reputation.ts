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
 * last REPUTATION_WINDOW sent messages passes BOUNCE_RATE_TO_PAUSE or
 * COMPLAINT_RATE_TO_PAUSE, its running mailings are paused (the owner sees
 * why; resuming is theirs to decide) and the staff find it in the admin
 * panel (an audit log entry by "system", listed on the panel's home).
 *
 * "The last N messages" are read from the run counters, newest runs first
 * until they hold N sent messages: a few rows, never the delivery log. A
 * workspace that has sent fewer is judged once it has sent min(N, 100), so
 * three messages and one bounce pause nobody.
 *
 * Called after each recorded bounce or complaint; cheap when nothing is
 * wrong (one query), and quiet when the workspace is already paused.
 */
export default class CheckWorkspaceReputation {
  static async handle(tenantId: number) {
    const { window, bounceRateToPause, complaintRateToPause } = bouncesConfig.reputation
    if (window <= 0 || (bounceRateToPause <= 0 && complaintRateToPause <= 0)) return null

    const runs = await db
      .from('mailing_runs')
      .where('tenant_id', tenantId)
      .where('sent', '>', 0)
      // Newest first on the (tenant_id, created_at) index.
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(MOST_RUNS)
      .select('sent', 'bounced', 'complained')
    let sent = 0
    let bounced = 0
    let complained = 0
    for (const run of runs) {
      if (sent >= window) break
      sent += Number(run.sent)
      bounced += Number(run.bounced)
      complained += Number(run.complained)
    }
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
        paused_mailings: paused,
      },
    })
    logger.warn({ tenantId, sent, bounced, complained, paused }, reason)
    return { reason, paused }
  }
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
