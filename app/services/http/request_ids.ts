import type { IncomingMessage } from 'node:http'
import { http } from '#config/app'
import { newWorkId } from '#services/queue/work_context'

/**
 * What an accepted X-Request-Id looks like: the ids proxies generate (hex,
 * UUIDs, cuids...) fit, and nothing that could break a log line, a header
 * or a shell (no spaces, quotes, newlines, non-ASCII), nor fill the log.
 */
const WELL_FORMED = /^[A-Za-z0-9._:-]{1,64}$/

/**
 * The id of a request: the X-Request-Id the operator's reverse proxy sent
 * (one of TRUSTED_PROXIES, as for X-Forwarded-For), when it is well formed,
 * so one id follows the request from the proxy's log into ours; otherwise a
 * new one. A client's own header is never taken: anyone could make their
 * requests share an id with someone else's.
 */
export function requestIdOf(request: IncomingMessage): string {
  const claimed = request.headers['x-request-id']
  if (typeof claimed === 'string' && WELL_FORMED.test(claimed) && fromTrustedProxy(request)) {
    return claimed
  }
  return newWorkId()
}

function fromTrustedProxy(request: IncomingMessage) {
  const peer = request.socket.remoteAddress
  return peer !== undefined && http.trustProxy(peer, 0)
}
