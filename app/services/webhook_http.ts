import http from 'node:http'
import https from 'node:https'
import { performance } from 'node:perf_hooks'
import { useAgent } from 'request-filtering-agent'
import webhooksConfig from '#config/webhooks'
import { allowlist } from '#services/webhook_addresses'

export interface WebhookResponse {
  /**
   * The HTTP status, or null when no answer came (refused address, DNS,
   * connection error, timeout).
   */
  statusCode: number | null
  durationMs: number
  excerpt: string | null
  error: string | null
  /**
   * Milliseconds the receiver asked us to wait (Retry-After).
   */
  retryAfterMs: number | null
}

/**
 * POSTs one signed message. The private-address check runs on the address
 * the host name resolved to, at connection time, so a name that resolves
 * (or rebinds) to an internal address is refused too. Redirects are never
 * followed: a 3xx is a failed attempt. Only the first bytes of the answer
 * are read.
 */
export function postWebhook(
  target: string,
  body: string,
  headers: Record<string, string>
): Promise<WebhookResponse> {
  const url = new URL(target)
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  const { addresses, names } = allowlist()
  const agent = useAgent(url.href, {
    allowIPAddressList: addresses,
    allowPrivateIPAddress: names.includes(url.hostname.toLowerCase()),
    keepAlive: false,
  })
  const request = url.protocol === 'https:' ? https.request : http.request

  return new Promise((resolve) => {
    const finish = (result: Omit<WebhookResponse, 'durationMs'>) => {
      clearTimeout(timer)
      resolve({ ...result, durationMs: elapsed() })
    }
    const failed = (error: string) =>
      finish({ statusCode: null, excerpt: null, error, retryAfterMs: null })

    const req = request(url, {
      method: 'POST',
      agent,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body).toString(),
        'user-agent': 'Mailings-Webhooks/1.0',
        ...headers,
      },
    })
    const timer = setTimeout(() => {
      req.destroy(new Error(`No answer within ${webhooksConfig.timeout / 1000} s`))
    }, webhooksConfig.timeout)

    req.on('error', (error) => failed(describeError(error)))
    req.on('response', (res) => {
      readExcerpt(res).then((excerpt) => {
        const status = res.statusCode ?? 0
        const location = res.headers.location
        finish({
          statusCode: status,
          excerpt,
          error:
            status >= 300 && status < 400
              ? `Redirect${location ? ` to ${location.slice(0, 300)}` : ''} not followed`
              : null,
          retryAfterMs: parseRetryAfter(res.headers['retry-after']),
        })
        res.destroy()
      })
    })
    req.end(body)
  })
}

/**
 * The first `excerptBytes` of the body, then stop reading: a receiver that
 * answers with megabytes costs us one kilobyte.
 */
function readExcerpt(res: http.IncomingMessage) {
  return new Promise<string>((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    const done = () =>
      resolve(Buffer.concat(chunks).subarray(0, webhooksConfig.excerptBytes).toString('utf8'))
    res.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      size += chunk.length
      if (size >= webhooksConfig.excerptBytes) {
        res.pause()
        done()
      }
    })
    res.on('end', done)
    res.on('error', done)
    res.on('close', done)
  })
}

/**
 * Retry-After as seconds or an HTTP date, in milliseconds from now.
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()) {
  if (!value) return null
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}

/**
 * Errors in words an endpoint's owner can act on.
 */
function describeError(error: NodeJS.ErrnoException) {
  const refused = /DNS lookup (\S+?)\(.*is not allowed/.exec(error.message)
  if (refused) {
    return `Refused: ${refused[1]} is a private, loopback, link-local or metadata address`
  }
  if (error.code === 'ENOTFOUND') return `The host name does not resolve (${error.message})`
  if (error.code === 'ECONNREFUSED') return 'Connection refused'
  if (error.code === 'ECONNRESET') return 'The connection was reset'
  return error.message
}
