import dns from 'node:dns/promises'
import net from 'node:net'
import tls from 'node:tls'
import { smtpTimeouts } from '#config/mail'
import customSmtpConfig from '#config/custom_smtp'
import { allowlist, isForbiddenAddress } from '#services/webhooks/addresses'

/**
 * Why a workspace's server was not even connected to. The resolved address
 * is never named: the owner of a host name would otherwise learn what it
 * resolves to inside our network.
 */
export const REFUSED_PRIVATE_SMTP =
  'Refused: the server is on a private, loopback, link-local or metadata address'

/**
 * What went wrong before the SMTP dialogue began, for the page's "Send a
 * test" (test_results.ts): the error's `failure`.
 */
export type ConnectionFailure = 'private' | 'refused' | 'dns' | 'tls' | 'timeout'

type SocketCallback = (
  error: Error | null,
  socketOptions?: { connection: net.Socket; secured?: boolean }
) => void

/**
 * Nodemailer's `getSocket` for a workspace's own server (smtp_transport.ts).
 * Connects to an address the host name resolves to now, refused when that
 * address is one addresses.ts forbids (and SMTP_ALLOWED_HOSTS does not let
 * through): checked at connection time, on the address actually connected
 * to, so a name that resolves (or rebinds) to an internal address gets
 * nowhere. The connection (and, for implicit TLS, the handshake, the
 * certificate checked against the host name) is made here, bounded by the
 * connection timeout, so its failures are read for what they are: a server
 * that refuses the connection or whose name does not exist, a private
 * address, a TLS layer that fails (a plain server, an untrusted
 * certificate) are the settings' fault (codes that pause sending,
 * smtp_outcomes.ts); a reset or a timeout is retried. The SMTP dialogue is
 * nodemailer's.
 */
export function openCheckedSocket(
  options: { host?: string; port?: number; secure?: boolean },
  callback: SocketCallback
) {
  const host = (options.host ?? '').toLowerCase()
  const port = options.port!
  let settled = false
  let opened: net.Socket | undefined
  const settle = (error: Error | null, connection?: net.Socket) => {
    if (settled) return
    settled = true
    clearTimeout(timer)
    if (error) opened?.destroy()
    callback(error, connection ? { connection, secured: options.secure } : undefined)
  }
  const timer = setTimeout(() => {
    const seconds = smtpTimeouts.connectionTimeout / 1000
    settle(connectionError(`No connection to ${host}:${port} within ${seconds} s`, 'timeout'))
  }, smtpTimeouts.connectionTimeout)

  resolveAllowedAddress(host).then((address) => {
    if (settled) return
    const socket = net.connect({ host: address, port, noDelay: true })
    opened = socket
    if (!options.secure) {
      socket.once('connect', () => settle(null, socket))
      socket.once('error', (error) => settle(connectionFailure(error, host, port, false)))
      return
    }
    // `host` for the certificate check, `servername` for SNI (names only).
    const secured = tls.connect({
      socket,
      host,
      servername: net.isIP(host) === 0 ? host : undefined,
    })
    opened = secured
    secured.once('secureConnect', () => settle(null, secured))
    secured.once('error', (error) => settle(connectionFailure(error, host, port, true)))
  }, settle)
}

async function resolveAllowedAddress(host: string) {
  const entries = customSmtpConfig.allowedHosts
  let addresses: { address: string }[]
  try {
    addresses = await dns.lookup(host, { all: true })
  } catch (error: any) {
    // A name that does not exist is the settings' fault (paused); a DNS
    // server that did not answer is worth a retry.
    const missing = error.code === 'ENOTFOUND' || error.code === 'ENODATA'
    const failure = connectionError(`The host name ${host} does not resolve`, 'dns')
    throw Object.assign(failure, { code: missing ? 'EDNS' : error.code })
  }
  const allowedByName = allowlist(entries).names.includes(host)
  if (!allowedByName && addresses.some(({ address }) => isForbiddenAddress(address, entries))) {
    throw connectionError(REFUSED_PRIVATE_SMTP, 'private')
  }
  return addresses[0].address
}

const REFUSED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH'])
const TRANSIENT = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE'])

function connectionFailure(
  error: NodeJS.ErrnoException,
  host: string,
  port: number,
  handshaking: boolean
) {
  const code = error.code ?? ''
  if (REFUSED.has(code)) {
    return connectionError(`${host}:${port} refused the connection (${code})`, 'refused')
  }
  if (TRANSIENT.has(code) || !handshaking) return error
  return connectionError(`TLS failed: ${error.message.trim()}`, 'tls')
}

/**
 * The error nodemailer passes on: ECONFIG and ETLS pause sending (EDNS is
 * set above), ETIMEDOUT is retried.
 */
function connectionError(message: string, failure: ConnectionFailure) {
  const code = {
    private: 'ECONFIG',
    refused: 'ECONFIG',
    dns: 'EDNS',
    tls: 'ETLS',
    timeout: 'ETIMEDOUT',
  }[failure]
  return Object.assign(new Error(message), { code, failure })
}
