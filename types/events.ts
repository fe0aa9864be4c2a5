import '@adonisjs/core/types'

/**
 * What the sending engine announces, for outcome webhooks and anything else
 * that wants to hear about it. Emitted after the change is committed.
 */
declare module '@adonisjs/core/types' {
  interface EventsList {
    'mailing_run:started': { runId: number; mailingId: number; tenantId: number }
    'mailing_run:completed': { runId: number; mailingId: number; tenantId: number }
    /**
     * A delivery reached its final status (sent, or failed for good).
     */
    'delivery:finished': {
      deliveryId: number
      runId: number
      tenantId: number
      clientId: number | null
      email: string
      status: 'sent' | 'failed'
      attempts: number
      smtpCode: number | null
      response: string
    }
  }
}
