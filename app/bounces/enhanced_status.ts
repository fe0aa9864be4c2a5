/**
 * Enhanced mail system status codes (RFC 3463: class.subject.detail, e.g.
 * 5.1.1) and the one rule of which of them say an address is dead. Every
 * way a bounce comes in uses it: the answer at send time
 * (app/sending/smtp_outcomes.ts), DSNs (parse_bounce.ts) and provider
 * webhooks (providers/reports.ts), so the same refusal suppresses the
 * address, or does not, whenever and however it is reported. Imports
 * nothing of the application (bench/bounce_parsing.ts runs without it).
 */

const STATUS = String.raw`([245])\.(\d{1,3})\.(\d{1,3})`

/** The first enhanced status code anywhere in a text. */
const STATUS_IN_TEXT = new RegExp(String.raw`\b${STATUS}\b`)

/** The enhanced status at the start of an SMTP reply ("550 5.1.1 …", "550-5.1.1 …"). */
const STATUS_OF_REPLY = new RegExp(String.raw`^\d{3}[ -]${STATUS}\b`)

/**
 * The first enhanced status code in a text (a Status field, a
 * Diagnostic-Code, a provider's message, a prose bounce), or null.
 */
export function findEnhancedStatus(value: unknown) {
  if (typeof value !== 'string') return null
  return STATUS_IN_TEXT.exec(value)?.[0] ?? null
}

/**
 * Where it is in a text, for readers that want the line around it.
 */
export function matchEnhancedStatus(value: string) {
  return STATUS_IN_TEXT.exec(value)
}

/**
 * The enhanced status code at the start of an SMTP reply's text, or null
 * when the server gives none.
 */
export function enhancedStatusOfReply(response: string) {
  const match = STATUS_OF_REPLY.exec(response)
  return match ? `${match[1]}.${match[2]}.${match[3]}` : null
}

/**
 * The statuses that say the address will never take mail: every 5.1.x
 * (5.1.1 bad mailbox, 5.1.2 bad domain, 5.1.3 bad syntax, 5.1.6 moved,
 * 5.1.10 null MX…) and 5.2.1 (mailbox disabled). Any other permanent
 * status (a policy or spam refusal, 5.7.x; a full mailbox, 5.2.2; a
 * message too big, 5.3.4; a relay problem, 5.4.x) is about this message or
 * this moment: the delivery failed, the address stays.
 */
export function isDeadAddressStatus(status: string | null | undefined) {
  return !!status && (/^5\.1\.\d{1,3}$/.test(status) || status === '5.2.1')
}

/**
 * What a report of a permanent failure that came back later means for the
 * address: `hard` (suppress) when its status says the address is dead, or
 * when it has no status at all (the report's own word is all there is:
 * SES Permanent/General, Postmark HardBounce without details); `soft`
 * (counted in the address's streak, suppressed only after
 * SOFT_BOUNCES_TO_SUPPRESS in a row) when its status says something else.
 */
export function permanentFailureKind(status: string | null | undefined): 'hard' | 'soft' {
  return !status || isDeadAddressStatus(status) ? 'hard' : 'soft'
}
