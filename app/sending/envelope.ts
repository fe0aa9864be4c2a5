import type { ClaimedDelivery } from '#sending/delivery_claims'
import type { compileMessage, RenderedMessage } from '#sending/message_renderer'
import { unsubscribeHeaders, unsubscribeUrl } from '#sending/unsubscribe_links'
import { addressingOf, type EnvelopeSender } from '#sending/return_path'

/**
 * What goes to one recipient: the message rendered for them, and the
 * headers of their own.
 */
export interface Envelope {
  rendered: RenderedMessage
  headers: Record<string, string>
  /**
   * MAIL FROM and RCPT TO (return_path.ts): the delivery's VERP bounce
   * address, MAIL_FROM_ADDRESS, or the workspace's own on its own server.
   */
  smtp: { from: string; to: string }
}

/**
 * The message for one delivery: rendered for its client, with its own
 * unsubscribe link in the body and the List-Unsubscribe headers. `render`
 * is the message compiled once per batch, `envelopeSender` its MAIL FROM
 * decided once per batch (envelopeSenderOf).
 */
export function envelopeFor(
  delivery: ClaimedDelivery,
  render: ReturnType<typeof compileMessage>,
  envelopeSender: EnvelopeSender
): Envelope {
  const url = delivery.clientId
    ? unsubscribeUrl({ id: delivery.clientId, tenantId: delivery.tenantId })
    : ''
  const addressing = addressingOf(delivery, envelopeSender)
  return {
    rendered: render({
      client: {
        full_name: delivery.fullName,
        email: delivery.email,
        attributes: delivery.attributes,
      },
      unsubscribe_url: url,
    }),
    headers: { ...(url ? unsubscribeHeaders(url) : {}), ...addressing.headers },
    smtp: addressing.smtp,
  }
}
