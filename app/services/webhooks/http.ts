import dns from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import { performance } from 'node:perf_hooks'
import { useAgent } from 'request-filtering-agent'
import webhooksConfig from '#config/webhooks'
import { allowlist, isForbiddenAddress } from '#services/webhooks/addresses'

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
 * What an attempt on a forbidden address records, in the delivery log, the
 * API and the pages. It never names the address: a host name's owner would
 * otherwise learn what it resolves to inside our network.
 */
export const REFUSED_PRIVATE_ADDRESS = 'Refused: private address'

class PrivateAddressError extends Error {
  constructor() {
    super(REFUSED_PRIVATE_ADDRESS)
  }
}

/**
 * dns.lookup, refusing the addresses addresses.ts forbids, before
 * request-filtering-agent (which wraps it) checks them against the ranges
 * ipaddr.js knows: the two lists differ (ipaddr.js has no range for the
 * IPv4-compatible ::/96), so both apply.
 */
const lookupAllowedAddress: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0)
    if (addresses.some(({ address }) => isForbiddenAddress(address))) {
      return callback(new PrivateAddressError(), '', 0)
    }
    if (options.all) return callback(null, addresses)
    callback(null, addresses[0].address, addresses[0].family)
  })
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
  const namedInAllowlist = names.includes(url.hostname.toLowerCase())
  const agent = useAgent(url.href, {
    allowIPAddressList: addresses,
    allowPrivateIPAddress: namedInAllowlist,
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

    // A literal address is never looked up: checked here instead.
    let timer: NodeJS.Timeout | undefined
    if (isForbiddenAddress(url.hostname.replace(/^\[|\]$/g, ''))) {
      return failed(REFUSED_PRIVATE_ADDRESS)
    }

    const req = request(url, {
      method: 'POST',
      agent,
      lookup: namedInAllowlist ? undefined : lookupAllowedAddress,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body).toString(),
        'user-agent': 'Mailings-Webhooks/1.0',
        ...headers,
      },
    })
    timer = setTimeout(() => {
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
  // request-filtering-agent's own refusal names the address: not repeated.
  if (error instanceof PrivateAddressError || /^DNS lookup .* is not allowed/.test(error.message)) {
    return REFUSED_PRIVATE_ADDRESS
  }
  if (error.code === 'ENOTFOUND') return `The host name does not resolve (${error.message})`
  if (error.code === 'ECONNREFUSED') return 'Connection refused'
  if (error.code === 'ECONNRESET') return 'The connection was reset'
  return error.message
}
