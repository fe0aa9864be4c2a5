import { storableText } from '#services/database/storable_text'

/**
 * What "Send a test" found, for the page: the server's reply, or the kind
 * of failure and the detail the server or the network gave.
 */
export type SmtpTestResult =
  | { ok: true; reply: string }
  | { ok: false; kind: SmtpFailureKind; summary: string; detail: string }

export type SmtpFailureKind =
  'refused' | 'timeout' | 'auth' | 'tls' | 'private' | 'dns' | 'rejected' | 'sender' | 'other'

const SUMMARIES: Record<SmtpFailureKind, string> = {
  refused: 'Connection refused: nothing accepts connections at this host and port.',
  timeout: 'No answer in time: the server did not connect or greet us.',
  auth: 'Authentication failed: the server refused the user name or password.',
  tls: 'TLS failed: check the TLS mode and port (implicit TLS is usually 465, STARTTLS 587).',
  private: 'Refused: the host is on a private, loopback, link-local or metadata address.',
  dns: 'The host name does not resolve.',
  rejected: 'The server refused the message.',
  sender: 'Not sent: this workspace has no verified sender to send as through its own server.',
  other: 'The test could not be sent.',
}

/**
 * The test refused before connecting, because mail through the workspace's
 * own server needs its own verified sender (ownServerSenderProblem).
 */
export function senderProblemResult(problem: string): SmtpTestResult {
  return { ok: false, kind: 'sender', summary: SUMMARIES.sender, detail: problem }
}

/**
 * Reads a nodemailer error (or openCheckedSocket's) as one of the failures
 * the page names, with the server's or the network's own words.
 */
export function describeSmtpFailure(error: any) {
  const kind = failureKind(error)
  const detail = storableText(String(error?.response ?? error?.message ?? error), 500)
  return { kind, summary: SUMMARIES[kind], detail }
}

function failureKind(error: any): SmtpFailureKind {
  const code = String(error?.code ?? '')
  const message = String(error?.message ?? '')
  const reply: unknown = error?.responseCode
  // Failures of the connection to a workspace's server say what they are
  // (workspace_connections.ts).
  if (error?.failure) return error.failure
  if (code === 'EAUTH' || reply === 530 || reply === 535) return 'auth'
  // A handshake that fails (implicit TLS on a plain server) comes as a
  // socket error carrying OpenSSL's words.
  if (code === 'ETLS' || /TLS|SSL|CERT/i.test(code) || /SSL routines/.test(message)) return 'tls'
  if (code === 'ECONNREFUSED' || message.includes('ECONNREFUSED')) return 'refused'
  if (code === 'ETIMEDOUT' || /timeout/i.test(message)) return 'timeout'
  if (code === 'EDNS' || code === 'ENOTFOUND') return 'dns'
  if (typeof reply === 'number') return 'rejected'
  return 'other'
}
