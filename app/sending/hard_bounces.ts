import logger from '@adonisjs/core/services/logger'
import SuppressAddress from '#actions/suppressions/suppress_address'
import type { Settlement } from '#sending/delivery_settlements'

/**
 * Puts on their workspace's suppression list the addresses a slice's tries
 * found dead at send time (a hard bounce at RCPT TO, smtp_outcomes.ts), so
 * no later run mails them again. Called once the slice's statuses are
 * written, never before: the delivery's own settlement matters more than
 * the list, so a failure here is logged, never thrown into the batch. Hard
 * bounces are rare (a few per thousand), one small statement each.
 */
export async function suppressHardBounces(settlements: Settlement[]) {
  for (const { delivery, outcome } of settlements) {
    if (outcome.kind !== 'permanent' || !outcome.hardBounce) continue
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
}
