import '@adonisjs/core/types'
import type { DateTime } from 'luxon'
import type Client from '#models/client'
import type { ClientState } from '#models/client'
import type { SuppressionReason } from '#models/suppression'
import type { AttributeValue } from '#audiences/attribute_values'

/**
 * What the application announces, for outcome webhooks and anything else
 * that wants to hear about it (start/events.ts binds the listeners).
 * Emitted after the change is committed.
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
      /**
       * The request the batch's run came from (its webhooks are logged
       * under it), when the batch knows it.
       */
      requestId?: string
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
    /**
     * A client left a workspace's list (emitted once, when it changes, by
     * UnsubscribeClient). The client has been refreshed: it holds the
     * stored date.
     */
    'client:unsubscribed': { client: Client; unsubscribedAt: DateTime }
    /**
     * A client's topics or subscription state changed on the preference
     * page (UpdateClientTopics, ResubscribeClient), or a subscribed client
     * confirmed a sign-up (ConfirmSignup), after the commit. The client
     * has been refreshed. `changes` holds only what changed: tag names
     * taken on and off, the subscription state, name and attribute values
     * before and after.
     */
    'client:updated': {
      client: Client
      changes: {
        tags?: { added: string[]; removed: string[] }
        state?: { from: ClientState; to: ClientState }
        full_name?: { from: string; to: string }
        attributes?: Record<string, { from: AttributeValue | null; to: AttributeValue | null }>
      }
      /**
       * Who made the change: "preference_page" (the client themselves),
       * "signup_form" (a confirmed sign-up of a subscribed client).
       */
      source: string
    }
    /**
     * A client became subscribed, after the commit, once per change of
     * state: they confirmed a sign-up through a form (new, pending or
     * unsubscribed before; ConfirmSignup, source "signup_form", with the
     * form and the consent), or the business took over an address still
     * pending (CreateClient, UpdateClient, UpsertClients: the client form,
     * the API, a CSV import; source "workspace", no form nor consent). The
     * client holds the stored values.
     */
    'client:subscribed': {
      client: Client
      subscribedAt: DateTime
      source: 'signup_form' | 'workspace'
      signupFormId: number | null
      consentId: number | null
    }
    /**
     * An address got on a workspace's suppression list, or its reason was
     * raised (an unsubscribed address that bounced): emitted by
     * SuppressAddress, after its transaction commits.
     */
    'client:suppressed': {
      tenantId: number
      email: string
      reason: SuppressionReason
      /** "unsubscribe", "smtp", "dsn", "api", "manual", a provider… */
      source: string
      detail: string | null
      deliveryId: number | null
      /** false: the address was on the list with a weaker reason. */
      isNew: boolean
    }
    /**
     * A sent delivery bounced or drew a complaint (emitted once per delivery,
     * by RecordBounce, after the change is committed).
     */
    'delivery:bounced': {
      tenantId: number
      runId: number
      mailingId: number
      deliveryId: number
      clientId: number | null
      email: string
      kind: 'hard' | 'soft' | 'complaint'
      status: string | null
      diagnostic: string | null
      source: string
      /** Whether this report put the address on the suppression list. */
      suppressed: boolean
    }
  }
}
