import logger from '@adonisjs/core/services/logger'
import SuppressAddress from '#actions/suppressions/suppress_address'
import CheckWorkspaceReputation from '#actions/bounces/check_workspace_reputation'
import type { Settlement } from '#sending/delivery_settlements'

/**
 * Puts on their workspace's suppression list the addresses a slice's tries
 * found dead at send time (a hard bounce at RCPT TO, smtp_outcomes.ts), so
 * no later run mails them again. Called once the slice's statuses are
 * written, never before: the delivery's own settlement matters more than
 * the list, so a failure here is logged, never thrown into the batch. Hard
 * bounces are rare (a few per thousand), one small statement each.
 *
 * They count in the workspace's bounce rate like bounces reported later, so
 * a slice that had one checks the workspace's reputation once (not once per
 * message: a slice belongs to one run, so one workspace).
 */
export async function suppressHardBounces(settlements: Settlement[]) {
  const tenants = new Set<number>()
  for (const { delivery, outcome } of settlements) {
    if (outcome.kind !== 'permanent' || !outcome.hardBounce) continue
    tenants.add(delivery.tenantId)
    try {
      await SuppressAddress.handle({
        tenantId: delivery.tenantId,
        email: delivery.email,
        reason: 'hard_bounce',
        source: 'smtp',
        detail: outcome.response,
        deliveryId: delivery.id,
      })
    } catch (error) {
      logger.error(
        { err: error, deliveryId: delivery.id },
        'A hard-bounced address could not be suppressed'
      )
    }
  }
  for (const tenantId of tenants) {
    try {
      await CheckWorkspaceReputation.handle(tenantId)
    } catch (error) {
      // The bounces are recorded; the next one checks again.
      logger.error({ err: error, tenantId }, 'The workspace reputation check failed')
    }
  }
}
