import env from '#start/env'
import bouncesConfig from '#config/bounces'
import { bounceAddress, bounceToken } from '#bounces/verp'
import type { SenderIdentity } from '#sending/sender_identity'

/**
 * Whose address a batch's messages carry as MAIL FROM (the envelope sender,
 * which receivers write as the Return-Path, check SPF against and send
 * DSNs to). Decided once per batch from its route and sender; each
 * delivery then only formats it (smtpEnvelopeOf).
 *
 * - On the workspace's own server: the workspace's From address. Its
 *   server (Office 365, Gmail, SES...) refuses a MAIL FROM it does not
 *   own, and the operator's bounce domain is not the customer's to send
 *   as; asynchronous bounces then reach the workspace's own mailbox
 *   (provider webhooks still report them, by Message-ID).
 * - On the platform's server with VERP (BOUNCE_DOMAIN): the delivery's
 *   own bounce address.
 * - On the platform's server without it: MAIL_FROM_ADDRESS, the classic
 *   arrangement (the operator's SPF, DKIM aligned to the From's domain).
 */
export type EnvelopeSender = { verpDomain: string } | { address: string }

export function envelopeSenderOf(route: { own: boolean }, sender: SenderIdentity): EnvelopeSender {
  if (route.own) return { address: sender.from.address }
  if (bouncesConfig.domain) return { verpDomain: bouncesConfig.domain }
  return { address: env.get('MAIL_FROM_ADDRESS') }
}

/**
 * The SMTP envelope of a delivery: MAIL FROM as the batch decided (with
 * VERP, the delivery's own bounce address), RCPT TO the recipient. Always
 * explicit: left out, nodemailer would take MAIL FROM from the From header.
 */
export function smtpEnvelopeOf(delivery: { id: number; email: string }, sender: EnvelopeSender) {
  const from =
    'verpDomain' in sender ? bounceAddress(delivery.id, sender.verpDomain) : sender.address
  return { from, to: delivery.email }
}

/**
 * Headers that name the delivery to a sending provider that keeps its own
 * Return-Path and Message-ID: Postmark echoes `X-PM-Metadata-*` headers in
 * its bounce webhooks (postmarkReports). Only when the Postmark webhook is
 * configured; the token is the VERP one, so it proves itself.
 */
export function providerHeadersOf(delivery: { id: number }): Record<string, string> {
  if (!bouncesConfig.webhooks.postmark.password) return {}
  return { 'X-PM-Metadata-mailings-token': bounceToken(delivery.id) }
}
