import { X509Certificate, createVerify, type KeyObject } from 'node:crypto'

/**
 * Amazon SNS messages (how SES reports bounces and complaints over HTTP),
 * verified as AWS documents: the signature over the message's fields, with
 * the certificate at SigningCertURL, downloaded only from an SNS host
 * (config/bounces.ts `originPattern`) and cached.
 */

export interface SnsMessage {
  Type: 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation'
  MessageId: string
  TopicArn: string
  Message: string
  Timestamp: string
  SignatureVersion: '1' | '2'
  Signature: string
  SigningCertURL: string
  Subject?: string
  Token?: string
  SubscribeURL?: string
}

const REQUIRED = ['Type', 'MessageId', 'TopicArn', 'Message', 'Timestamp', 'Signature']

/**
 * The message if `body` is a well-formed SNS message, null otherwise.
 */
export function snsMessageOf(body: unknown): SnsMessage | null {
  if (!body || typeof body !== 'object') return null
  const message = body as Record<string, unknown>
  if (REQUIRED.some((field) => typeof message[field] !== 'string')) return null
  if (typeof message.SigningCertURL !== 'string') return null
  if (message.SignatureVersion !== '1' && message.SignatureVersion !== '2') return null
  if (
    !['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation'].includes(
      message.Type as string
    )
  ) {
    return null
  }
  if (message.Type !== 'Notification' && typeof message.SubscribeURL !== 'string') return null
  return message as unknown as SnsMessage
}

/**
 * The text SNS signs: chosen fields, each as "Name\nvalue\n", in this order.
 */
function stringToSign(message: SnsMessage) {
  const fields =
    message.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type']
  return fields
    .filter((field) => typeof (message as any)[field] === 'string')
    .map((field) => `${field}\n${(message as any)[field]}\n`)
    .join('')
}

/**
 * Whether `url` may be fetched for SNS: its origin matches the pattern and
 * it carries no credentials.
 */
export function isSnsUrl(url: string, originPattern: RegExp) {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  return !parsed.username && !parsed.password && originPattern.test(parsed.origin)
}

const CERT_TTL_MS = 60 * 60_000
const MOST_CACHED_CERTS = 20
const MOST_CERT_BYTES = 64 * 1024
const FETCH_TIMEOUT_MS = 5000
const certificates = new Map<string, { key: KeyObject; until: number }>()

/**
 * GET with a timeout, no redirects (a redirect could leave the allowed
 * host) and a bounded body.
 */
export async function boundedGet(url: string, mostBytes = MOST_CERT_BYTES) {
  const response = await fetch(url, {
    redirect: 'error',
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  })
  if (!response.ok || !response.body) {
    await response.body?.cancel()
    throw new Error(`GET ${url} answered ${response.status}`)
  }
  // Read as it arrives and stop at the bound: a server sending gigabytes
  // (or never ending) costs mostBytes of memory, not the whole body.
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let bytes = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    bytes += value.byteLength
    if (bytes > mostBytes) {
      await reader.cancel()
      throw new Error(`GET ${url} answered more than ${mostBytes} bytes`)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

async function certificateKey(url: string) {
  const cached = certificates.get(url)
  if (cached && cached.until > Date.now()) return cached.key
  const pem = await boundedGet(url)
  const certificate = new X509Certificate(pem)
  if (Date.parse(certificate.validTo) < Date.now()) throw new Error('The SNS certificate expired')
  if (certificates.size >= MOST_CACHED_CERTS) certificates.clear()
  certificates.set(url, { key: certificate.publicKey, until: Date.now() + CERT_TTL_MS })
  return certificate.publicKey
}

/**
 * Whether the message was signed by SNS: SignatureVersion 1 is RSA with
 * SHA-1, 2 with SHA-256. A certificate that cannot be fetched or read
 * fails the check (the caller answers 4xx; SNS retries).
 */
export async function snsSigned(message: SnsMessage, originPattern: RegExp) {
  if (!isSnsUrl(message.SigningCertURL, originPattern)) return false
  if (!new URL(message.SigningCertURL).pathname.endsWith('.pem')) return false
  let key: KeyObject
  try {
    key = await certificateKey(message.SigningCertURL)
  } catch {
    return false
  }
  const verifier = createVerify(message.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256')
  verifier.update(stringToSign(message), 'utf8')
  try {
    return verifier.verify(key, Buffer.from(message.Signature, 'base64'))
  } catch {
    return false
  }
}

/**
 * The text to sign, for tests that sign their own messages.
 */
export { stringToSign as snsStringToSign }
