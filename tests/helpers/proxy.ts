import { Agent } from 'node:http'
import type { ApiRequest } from '@japa/api-client'

/**
 * The address .env.test lists in TRUSTED_PROXIES. Test requests normally
 * come from 127.0.0.1, a client the app does not trust to say who it is
 * (as a browser on the internet); requests sent from this address stand for
 * the operator's reverse proxy.
 */
export const TRUSTED_PROXY_ADDRESS = '127.0.0.2'

const proxyAgent = new Agent({ localAddress: TRUSTED_PROXY_ADDRESS, keepAlive: false })

/**
 * Sends the request from the trusted proxy's address, forwarding it for
 * `clientIp` the way a reverse proxy does.
 */
export function throughTrustedProxy<T extends ApiRequest>(request: T, clientIp: string): T {
  request.request.agent(proxyAgent)
  request.header('X-Forwarded-For', clientIp)
  return request
}

/**
 * A client that forges the header itself: the request still comes from
 * 127.0.0.1, which is no proxy of ours.
 */
export function withForgedForwardedFor<T extends ApiRequest>(request: T, claimedIp: string): T {
  request.header('X-Forwarded-For', claimedIp)
  return request
}

let counter = Math.floor(Math.random() * 60_000)
/**
 * An address from the benchmarking range (198.18.0.0/15) not used before in
 * this run, so its counters start empty.
 */
export function newIp() {
  counter += 1
  return `198.18.${Math.floor(counter / 250) % 256}.${(counter % 250) + 1}`
}
