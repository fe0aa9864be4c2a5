import env from '#start/env'
import bouncesConfig from '#config/bounces'
import { bounceAddress, bounceToken } from '#bounces/verp'
import type { SenderIdentity } from '#sending/sender_identity'

/**
 * Whose address a batch's messages carry as MAIL FROM (the envelope sender,
 * which receivers write as the Return-Path, check SPF against and send
 * DSNs to). Decided once per batch from its route and sender; each
 * delivery then only formats it (addressingOf).
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
 * And the headers that name the delivery to a sending provider that keeps
 * its own Return-Path and Message-ID: Postmark echoes `X-PM-Metadata-*`
 * headers in its bounce webhooks (postmarkReports), sent only when its
 * webhook is configured. Both carry the VERP token, which proves itself;
 * it is an AES block, made once per message for both.
 */
export function addressingOf(delivery: { id: number; email: string }, sender: EnvelopeSender) {
  const postmark = Boolean(bouncesConfig.webhooks.postmark.password)
  const verp = 'verpDomain' in sender
  const token = verp || postmark ? bounceToken(delivery.id) : ''
  const headers: Record<string, string> = postmark ? { 'X-PM-Metadata-mailings-token': token } : {}
  return {
    smtp: {
      from: verp ? bounceAddress(token, sender.verpDomain) : sender.address,
      to: delivery.email,
    },
    headers,
  }
}
