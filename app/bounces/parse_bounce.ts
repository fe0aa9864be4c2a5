/**
 * Reads what a bounce or complaint message says, without the application
 * (no imports of it): `bounces:listen` and bench/bounce_parsing.ts use it.
 *
 * - DSNs (RFC 3464): multipart/report; report-type=delivery-status. The
 *   message/delivery-status part has one group of fields per recipient;
 *   the first whose Action is `failed` (else `delayed`) is the one read:
 *   Status 5.1.x and 5.2.1 (the address is dead, enhanced_status.ts) or
 *   none is a hard bounce; any other 5.x.x (a spam block, a full mailbox)
 *   and 4.x.x a soft one; `delayed` only news that the remote server still
 *   tries (recorded by nobody).
 * - ARF complaints (RFC 5965): multipart/report;
 *   report-type=feedback-report, with a message/feedback-report part
 *   (Feedback-Type abuse, fraud, virus, other…: all complaints, except
 *   `not-spam`).
 * - Bounces in neither format (older servers write prose): only when the
 *   message looks like one (from MAILER-DAEMON/postmaster, or a subject of
 *   the kind), the first enhanced status code in its text decides.
 *
 * The VERP token is looked for in the addresses the message was delivered
 * to (the listener's RCPT TO), then its own To headers, then the Return-Path
 * of the original message it quotes. Nothing here is trusted: the caller
 * verifies the token (app/bounces/verp.ts) and ignores messages without one.
 *
 * It is a purpose-built reader rather than a full MIME parser: it splits
 * multipart bodies on their boundaries and decodes only the small parts it
 * reads, so a DSN costs microseconds (docs/benchmarks.md).
 */

import {
  findEnhancedStatus,
  matchEnhancedStatus,
  permanentFailureKind,
} from '#bounces/enhanced_status'

export type BounceKind = 'hard' | 'soft' | 'delayed' | 'complaint'

export interface ParsedBounce {
  /** null: not a bounce or complaint we can read (an auto-reply, spam…). */
  kind: BounceKind | null
  /** The VERP token found (unverified), lower case. */
  token: string | null
  /** The address that bounced or complained, as the report says. */
  recipient: string | null
  /** The enhanced status code (5.1.1), for DSNs. */
  status: string | null
  /** The remote server's words (Diagnostic-Code), or the feedback type. */
  diagnostic: string | null
  /** The Message-ID of the original message, when quoted (unverified). */
  messageId: string | null
}

export interface ParseOptions {
  /** The envelope recipients (RCPT TO) the message came in for. */
  envelopeTo?: string[]
}

type Headers = Map<string, string>

/** Nesting and part counts beyond any real report: a hostile message stops here. */
const MOST_DEPTH = 4
const MOST_PARTS = 32
const MOST_DIAGNOSTIC_CHARS = 1000

const TOKEN_IN_ADDRESS = /\bbounces\+([a-z2-7]{26})@/i
const LOOKS_LIKE_BOUNCE_FROM = /mailer-daemon|postmaster/i
const LOOKS_LIKE_BOUNCE_SUBJECT =
  /undeliver|undelivered|delivery (status notification|failure|has failed)|returned mail|failure notice|mail delivery failed/i

interface Found {
  deliveryStatus: Headers[] | null
  feedback: Headers | null
  original: Headers | null
  text: string | null
}

export function parseBounceMessage(raw: Buffer | string, options: ParseOptions = {}): ParsedBounce {
  // latin1 maps every byte to one character: boundaries and headers are
  // ASCII, and no byte sequence can make decoding fail or shift offsets.
  const text = typeof raw === 'string' ? raw : raw.toString('latin1')
  const [headerBlock, body] = splitEntity(text)
  const headers = parseHeaders(headerBlock)
  const found: Found = { deliveryStatus: null, feedback: null, original: null, text: null }
  walk(headers, body, found, 0)

  const result: ParsedBounce = {
    kind: null,
    token: findToken(options.envelopeTo ?? [], headers, found.original),
    recipient: null,
    status: null,
    diagnostic: null,
    messageId: messageIdOf(found.original),
  }

  if (found.feedback) {
    const type = (found.feedback.get('feedback-type') ?? 'abuse').trim().toLowerCase()
    result.kind = type === 'not-spam' ? null : 'complaint'
    result.diagnostic = type
    result.recipient =
      addressOf(found.feedback.get('original-rcpt-to')) ??
      addressOf(found.feedback.get('removal-recipient')) ??
      addressOf(found.original?.get('to'))
    return result
  }

  if (found.deliveryStatus) {
    const recipients = found.deliveryStatus.slice(1)
    const chosen =
      recipients.find((group) => actionOf(group) === 'failed') ??
      recipients.find((group) => actionOf(group) === 'delayed')
    if (!chosen) return result
    const diagnostic = chosen.get('diagnostic-code')
    result.recipient =
      addressOf(chosen.get('final-recipient')) ?? addressOf(chosen.get('original-recipient'))
    result.diagnostic = diagnostic ? clip(decodeWords(stripType(diagnostic))) : null
    result.status =
      findEnhancedStatus(chosen.get('status')) ?? findEnhancedStatus(result.diagnostic)
    if (actionOf(chosen) === 'delayed') {
      result.kind = 'delayed'
    } else {
      // A failure without a status is final: hard, unless the server's
      // own code says it was a temporary one. A permanent one suppresses
      // only when its status says the address is dead (enhanced_status.ts).
      const klass = result.status?.[0] ?? (/^\s*4\d\d\b/.test(result.diagnostic ?? '') ? '4' : '5')
      result.kind = klass === '4' ? 'soft' : permanentFailureKind(result.status)
    }
    return result
  }

  // Prose bounces: only from a mailer daemon, or under a bounce's subject.
  const from = headers.get('from') ?? ''
  const subject = headers.get('subject') ?? ''
  if (!LOOKS_LIKE_BOUNCE_FROM.test(from) && !LOOKS_LIKE_BOUNCE_SUBJECT.test(subject)) return result
  const prose = found.text ?? ''
  const status = matchEnhancedStatus(prose)
  if (!status || status[1] === '2') return result
  result.status = status[0]
  result.kind = status[1] === '5' ? permanentFailureKind(status[0]) : 'soft'
  const line = prose.slice(Math.max(0, prose.lastIndexOf('\n', status.index) + 1))
  result.diagnostic = clip(line.split(/\r?\n/, 1)[0].trim())
  return result
}

function walk(headers: Headers, body: string, found: Found, depth: number) {
  const { type, params } = contentTypeOf(headers.get('content-type'))
  if (type.startsWith('multipart/')) {
    if (depth >= MOST_DEPTH || !params.boundary) return
    for (const part of splitMultipart(body, params.boundary)) {
      const [partHeaders, partBody] = splitEntity(part)
      walk(parseHeaders(partHeaders), partBody, found, depth + 1)
    }
    return
  }
  switch (type) {
    case 'message/delivery-status':
    case 'message/global-delivery-status':
      found.deliveryStatus ??= parseFieldGroups(decodeBody(headers, body))
      return
    case 'message/feedback-report':
      found.feedback ??= parseFieldGroups(decodeBody(headers, body))[0] ?? new Map()
      return
    case 'message/rfc822':
    case 'message/global':
    case 'text/rfc822-headers':
    case 'message/global-headers':
      found.original ??= parseHeaders(splitEntity(decodeBody(headers, body))[0])
      return
    case 'text/plain':
    case '':
      found.text ??= decodeBody(headers, body)
      return
  }
}

/**
 * Header block and body: they part at the first empty line.
 */
function splitEntity(text: string): [string, string] {
  const crlf = text.indexOf('\r\n\r\n')
  const lf = text.indexOf('\n\n')
  if (crlf === -1 && lf === -1) return [text, '']
  if (lf === -1 || (crlf !== -1 && crlf < lf)) return [text.slice(0, crlf), text.slice(crlf + 4)]
  return [text.slice(0, lf), text.slice(lf + 2)]
}

function parseHeaders(block: string): Headers {
  const headers: Headers = new Map()
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    // The first of a repeated header: in a quoted original the topmost
    // Received, To… are the ones written last, ours are further down.
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim())
  }
  return headers
}

/**
 * A delivery-status or feedback-report body: groups of header-like fields
 * separated by empty lines (per-message fields, then one group per
 * recipient).
 */
function parseFieldGroups(text: string) {
  return text
    .split(/\r?\n[ \t]*\r?\n/)
    .filter((group) => group.trim() !== '')
    .map(parseHeaders)
}

function contentTypeOf(value: string | undefined) {
  const params: Record<string, string> = {}
  if (!value) return { type: '', params }
  const semicolon = value.indexOf(';')
  const type = (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase()
  if (semicolon !== -1) {
    const pattern = /;\s*([^=\s;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]+)/g
    for (const match of value.slice(semicolon).matchAll(pattern)) {
      const raw = match[2]
      params[match[1].toLowerCase()] = raw.startsWith('"')
        ? raw.slice(1, -1).replace(/\\(.)/g, '$1')
        : raw
    }
  }
  return { type, params }
}

function splitMultipart(body: string, boundary: string) {
  const delimiter = `--${boundary}`
  const parts: string[] = []
  const first = body.startsWith(delimiter) ? 0 : body.indexOf(`\n${delimiter}`)
  let at = first <= 0 ? first : first + 1
  while (at !== -1 && parts.length < MOST_PARTS) {
    const after = at + delimiter.length
    // The closing delimiter `--boundary--` ends the parts.
    if (body.startsWith('--', after)) break
    const lineEnd = body.indexOf('\n', after)
    if (lineEnd === -1) break
    const next = body.indexOf(`\n${delimiter}`, lineEnd)
    let end = next === -1 ? body.length : next
    if (end > lineEnd && body[end - 1] === '\r') end -= 1
    parts.push(body.slice(lineEnd + 1, end))
    at = next === -1 ? -1 : next + 1
  }
  return parts
}

function decodeBody(headers: Headers, body: string) {
  const encoding = (headers.get('content-transfer-encoding') ?? '').trim().toLowerCase()
  if (encoding === 'base64') return Buffer.from(body, 'base64').toString('latin1')
  if (encoding === 'quoted-printable') {
    return body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, (_, hex) => String.fromCharCode(Number.parseInt(hex, 16)))
  }
  return body
}

function actionOf(group: Headers) {
  return (group.get('action') ?? '').trim().toLowerCase()
}

/**
 * `rfc822; user@example.com` → `user@example.com`.
 */
function stripType(value: string) {
  const semicolon = value.indexOf(';')
  return (semicolon === -1 ? value : value.slice(semicolon + 1)).trim()
}

function addressOf(value: string | undefined) {
  if (!value) return null
  const address = stripType(value)
  const bracketed = /<([^>]+)>/.exec(address)
  const plain = (bracketed ? bracketed[1] : address).trim().toLowerCase()
  return plain.includes('@') ? plain : null
}

function findToken(envelopeTo: string[], headers: Headers, original: Headers | null) {
  const candidates = [
    ...envelopeTo,
    headers.get('to'),
    headers.get('delivered-to'),
    headers.get('x-original-to'),
    original?.get('return-path'),
  ]
  for (const candidate of candidates) {
    const match = candidate ? TOKEN_IN_ADDRESS.exec(candidate) : null
    if (match) return match[1].toLowerCase()
  }
  return null
}

function messageIdOf(original: Headers | null) {
  const value = original?.get('message-id')
  return value ? (/<[^>]+>/.exec(value)?.[0] ?? null) : null
}

/**
 * UTF-8 text that was read as latin1, and encoded words (=?utf-8?…?=)
 * some servers put in Diagnostic-Code, made readable.
 */
function decodeWords(value: string) {
  const text = /[\u0080-\u00ff]/.test(value) ? Buffer.from(value, 'latin1').toString('utf8') : value
  return text.replace(/=\?([^?]+)\?([bq])\?([^?]*)\?=/gi, (word, _charset, encoding, data) => {
    try {
      return encoding.toLowerCase() === 'b'
        ? Buffer.from(data, 'base64').toString('utf8')
        : data
            .replace(/_/g, ' ')
            .replace(/=([0-9A-F]{2})/gi, (_: string, hex: string) =>
              String.fromCharCode(Number.parseInt(hex, 16))
            )
    } catch {
      return word
    }
  })
}

function clip(value: string) {
  return value.length > MOST_DIAGNOSTIC_CHARS ? value.slice(0, MOST_DIAGNOSTIC_CHARS) : value
}
