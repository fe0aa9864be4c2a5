import { parseBounceMessage } from '#bounces/parse_bounce'
import { findEnhancedStatus, permanentFailureKind } from '#bounces/enhanced_status'

/**
 * What each provider's webhook payload says, in one shape: the bounces and
 * complaints it reports, and how each names our delivery (our Message-ID,
 * or the VERP token). Events that are not bounces or complaints (deliveries,
 * opens, delays) give nothing. Payloads are untrusted JSON: every field is
 * checked for its type before use.
 */
export interface ProviderReport {
  kind: 'hard' | 'soft' | 'complaint'
  recipient: string | null
  status: string | null
  diagnostic: string | null
  /** Our Message-ID (`<delivery-…@…>`) as the payload quotes it. */
  messageId: string | null
  /** A VERP token or bounce address the payload carries. */
  token: string | null
}

/** Events per request we read: a provider batching more is cut off here. */
const MOST_EVENTS = 1000

type Json = Record<string, unknown>

function object(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {}
}

function text(value: unknown) {
  return typeof value === 'string' && value !== '' ? value : null
}

function bracketed(value: string | null) {
  if (!value) return null
  const trimmed = value.trim()
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`
}

function statusIn(...values: unknown[]) {
  for (const value of values) {
    const status = findEnhancedStatus(value)
    if (status) return status
  }
  return null
}

/**
 * SES (the `Message` of an SNS notification, JSON): notificationType (or
 * eventType, for configuration-set events) Bounce or Complaint. Permanent
 * bounces are hard when their status says the address is dead or they give
 * none (enhanced_status.ts), soft otherwise; Transient and Undetermined soft. The Message-ID is in
 * mail.commonHeaders (or mail.headers, with "include original headers").
 */
export function sesReports(message: unknown): ProviderReport[] {
  const body = object(message)
  const type = text(body.notificationType) ?? text(body.eventType)
  const mail = object(body.mail)
  const headers = Array.isArray(mail.headers) ? mail.headers.map(object) : []
  const header = (name: string) =>
    text(headers.find((entry) => text(entry.name)?.toLowerCase() === name)?.value)
  const messageId = bracketed(text(object(mail.commonHeaders).messageId) ?? header('message-id'))
  const token = header('return-path')

  if (type === 'Bounce') {
    const bounce = object(body.bounce)
    const permanent = bounce.bounceType === 'Permanent'
    const recipients = Array.isArray(bounce.bouncedRecipients) ? bounce.bouncedRecipients : []
    return recipients.slice(0, MOST_EVENTS).map((entry) => {
      const recipient = object(entry)
      const diagnostic = text(recipient.diagnosticCode) ?? text(bounce.bounceSubType)
      const status = statusIn(recipient.status, diagnostic)
      return {
        kind: permanent ? permanentFailureKind(status) : 'soft',
        recipient: text(recipient.emailAddress),
        status,
        diagnostic,
        messageId,
        token,
      }
    })
  }
  if (type === 'Complaint') {
    const complaint = object(body.complaint)
    const recipients = Array.isArray(complaint.complainedRecipients)
      ? complaint.complainedRecipients
      : []
    return recipients.slice(0, MOST_EVENTS).map((entry) => ({
      kind: 'complaint' as const,
      recipient: text(object(entry).emailAddress),
      status: null,
      diagnostic: text(complaint.complaintFeedbackType) ?? 'abuse',
      messageId,
      token,
    }))
  }
  return []
}

const POSTMARK_HARD = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated'])
const POSTMARK_SOFT = new Set(['SoftBounce', 'Transient', 'DnsError', 'Blocked'])

/**
 * Postmark's bounce and spam-complaint webhooks (one record per request).
 * Postmark keeps its own Message-ID, so the delivery is named by the
 * `mailings-token` metadata we send (X-PM-Metadata-mailings-token), or by
 * the bounce itself when "include content" is on.
 */
export function postmarkReports(payload: unknown): ProviderReport[] {
  const body = object(payload)
  const recordType = text(body.RecordType)
  const type = text(body.Type)
  let kind: ProviderReport['kind'] | null = null
  if (recordType === 'SpamComplaint' || type === 'SpamComplaint') kind = 'complaint'
  else if (recordType === 'Bounce' && type && POSTMARK_HARD.has(type)) kind = 'hard'
  else if (recordType === 'Bounce' && type && POSTMARK_SOFT.has(type)) kind = 'soft'
  if (!kind) return []

  const content = text(body.Content)
  const quoted = content ? parseBounceMessage(content) : null
  const diagnostic = text(body.Details) ?? text(body.Description)
  const status = statusIn(diagnostic, quoted?.status)
  return [
    {
      kind: kind === 'hard' ? permanentFailureKind(status) : kind,
      recipient: text(body.Email),
      status,
      diagnostic: kind === 'complaint' ? 'abuse' : diagnostic,
      messageId: quoted?.messageId ?? null,
      token: text(object(body.Metadata)['mailings-token']) ?? quoted?.token ?? null,
    },
  ]
}

/**
 * SendGrid's Event Webhook: an array of events. `bounce` of type bounce is
 * hard or soft by its status (permanentFailureKind), of type blocked soft; `spamreport` a complaint. Mail sent through
 * SendGrid's SMTP keeps our Message-ID as `smtp-id`.
 */
export function sendgridReports(payload: unknown): ProviderReport[] {
  if (!Array.isArray(payload)) return []
  return payload.slice(0, MOST_EVENTS).flatMap((entry): ProviderReport[] => {
    const event = object(entry)
    const common = {
      recipient: text(event.email),
      messageId: bracketed(text(event['smtp-id'])),
      token: null,
    }
    if (event.event === 'spamreport') {
      return [{ ...common, kind: 'complaint', status: null, diagnostic: 'abuse' }]
    }
    if (event.event !== 'bounce') return []
    const reason = text(event.reason)
    const status = statusIn(event.status, reason)
    return [
      {
        ...common,
        kind: event.type === 'blocked' ? 'soft' : permanentFailureKind(status),
        status,
        diagnostic: reason,
      },
    ]
  })
}

/**
 * Mailgun's webhooks (one event per request): `failed` with severity
 * permanent is hard or soft by its status (permanentFailureKind), unless Mailgun gave up retrying (reason `old`: soft);
 * temporary failures are attempts Mailgun retries itself, news like a DSN's
 * `delayed`, so nothing. `complained` is a complaint. Mailgun keeps our
 * Message-ID (message.headers.message-id, without brackets).
 */
export function mailgunReports(payload: unknown): ProviderReport[] {
  const event = object(object(payload)['event-data'])
  const messageId = bracketed(text(object(object(event.message).headers)['message-id']))
  const common = { recipient: text(event.recipient), messageId, token: null }
  if (event.event === 'complained') {
    return [{ ...common, kind: 'complaint', status: null, diagnostic: 'abuse' }]
  }
  if (event.event !== 'failed' || event.severity !== 'permanent') return []
  const delivery = object(event['delivery-status'])
  const diagnostic = text(delivery.message) ?? text(delivery.description) ?? text(event.reason)
  const status = statusIn(delivery['enhanced-code'], diagnostic, delivery.description)
  return [
    {
      ...common,
      kind: event.reason === 'old' ? 'soft' : permanentFailureKind(status),
      status,
      diagnostic,
    },
  ]
}
