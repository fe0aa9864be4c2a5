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
     * Deliveries that reached their final status (sent, or failed for
     * good), a slice of a run at a time.
     */
    'deliveries:finished': {
      runId: number
      mailingId: number
      tenantId: number
      deliveries: {
        deliveryId: number
        clientId: number | null
        email: string
        status: 'sent' | 'failed'
        attempts: number
        smtpCode: number | null
        response: string
      }[]
    }
  }
}
