import bouncesConfig from '#config/bounces'
import { bounceAddress, bounceToken } from '#bounces/verp'

/**
 * The SMTP envelope of a delivery when VERP is on (BOUNCE_DOMAIN): MAIL
 * FROM is the delivery's own bounce address, which the receiving server
 * writes as the Return-Path and sends DSNs to; RCPT TO is the recipient.
 * Undefined without BOUNCE_DOMAIN: nodemailer then derives the envelope from
 * the From and To headers, as before.
 */
export function smtpEnvelopeOf(delivery: { id: number; email: string }) {
  if (!bouncesConfig.domain) return undefined
  return { from: bounceAddress(delivery.id, bouncesConfig.domain), to: delivery.email }
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
