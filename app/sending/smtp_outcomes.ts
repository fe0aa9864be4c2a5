import { storableText } from '#services/database/storable_text'
import { enhancedStatusOfReply, isDeadAddressStatus } from '#bounces/enhanced_status'

/**
 * What one try means to the engine, read from the mail server's answer:
 * sent; transient (retried with backoff); permanent (never retried); or
 * configuration (nothing a retry can fix: sending pauses until the owner
 * looks). `code` is the SMTP reply code when the server gave one. A
 * permanent refusal that says the address itself is dead is a `hardBounce`:
 * the address is also put on the workspace's suppression list
 * (hard_bounces.ts).
 */
export type SmtpOutcome =
  | { kind: 'sent'; code: number | null; response: string }
  | { kind: 'transient' | 'configuration'; code: number | null; response: string }
  | { kind: 'permanent'; code: number | null; response: string; hardBounce?: true }

/**
 * The most of a server's reply the engine keeps (attempt log, delivery
 * reason, webhooks).
 */
const MOST_REPLY_CHARS = 1000

/**
 * A server's reply as the engine keeps it. The reply is the server's to
 * write: nodemailer hands it over byte for byte (read as Latin-1, so any
 * bytes, invalid UTF-8 included, make a valid string), NUL characters and
 * all, and a reply PostgreSQL refuses must not keep the attempt log from
 * recording that a message went out (attempt_log.ts).
 */
function replyText(reply: unknown) {
  return storableText(String(reply ?? ''), MOST_REPLY_CHARS)
}

const CONFIGURATION_ERRORS = new Set(['EAUTH', 'ETLS', 'ECONFIG', 'EDNS'])

/**
 * A message the server accepted, with the reply it gave ("250 2.0.0 OK").
 */
export function acceptedOutcome(response: string | undefined): SmtpOutcome {
  return { kind: 'sent', code: smtpReplyCode(response), response: replyText(response) }
}

/**
 * Reads a nodemailer error the way the engine acts on it:
 * 5xx replies are permanent (never retried); 4xx replies, refused or
 * dropped connections and timeouts are transient (retried with backoff);
 * authentication, TLS and configuration errors are nothing a retry can fix
 * and pause sending until the owner looks.
 */
export function classifySmtpError(error: any): SmtpOutcome {
  const code: number | null = typeof error?.responseCode === 'number' ? error.responseCode : null
  const response = replyText(error?.response ?? error?.message ?? error)

  if (isConfigurationError(error?.code, error?.command, code)) {
    return { kind: 'configuration', code, response }
  }
  if (code !== null && code >= 500) {
    return isHardBounce(error?.command, code, response)
      ? { kind: 'permanent', code, response, hardBounce: true }
      : { kind: 'permanent', code, response }
  }
  return { kind: 'transient', code, response }
}

/**
 * A hard bounce at send time: a 5xx answer to RCPT TO (the recipient, not
 * the message, refused) whose enhanced status says the address is dead (isDeadAddressStatus, the
 * same rule as for bounces reported later; its table is
 * tests/unit/smtp_outcomes.spec.ts).
 * A bare "550 no such user" without a status is not taken as one: too many
 * servers use 550 for policy refusals to suppress on the code alone.
 */
function isHardBounce(command: string | undefined, code: number, response: string) {
  if (command !== 'RCPT TO' || code < 500) return false
  return isDeadAddressStatus(enhancedStatusOfReply(response))
}

/**
 * Nodemailer calls any refusal of the envelope EENVELOPE, the server's
 * answer to one recipient included. That answer is about the message, not
 * the configuration: a recipient refused at RCPT TO (550 no such user, 451
 * greylisted) or the message at DATA fails or is retried like any reply,
 * and so is a sender refused for now (4xx at MAIL FROM). A sender refused
 * for good (5xx at MAIL FROM) or an envelope nodemailer would not send
 * (no server answer) is the configuration's fault: every message would
 * fail the same way.
 */
function isConfigurationError(
  errorCode: string | undefined,
  command: string | undefined,
  code: number | null
) {
  if (code === 530 || code === 535) return true
  if (errorCode === 'EENVELOPE') return code === null || (code >= 500 && command === 'MAIL FROM')
  return CONFIGURATION_ERRORS.has(errorCode ?? '')
}

/**
 * The reply code at the start of an accepted message's response ("250 OK").
 */
export function smtpReplyCode(response: string | undefined) {
  const match = /^(\d{3})/.exec(response ?? '')
  return match ? Number(match[1]) : null
}
