import dns from 'node:dns/promises'
import net from 'node:net'
import tls from 'node:tls'
import nodemailer, { type Transporter } from 'nodemailer'
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js'
import env from '#start/env'
import { smtpTimeouts } from '#config/mail'
import sendingConfig from '#config/sending'
import customSmtpConfig from '#config/custom_smtp'
import { allowlist, isForbiddenAddress } from '#services/webhooks/addresses'
import type WorkspaceSmtpServer from '#models/workspace_smtp_server'

let transporter: Transporter<SMTPPool.SentMessageInfo> | undefined

/**
 * The pooled SMTP transport campaign mail goes through, one per worker
 * process. Nodemailer's own requeueing is off (`maxRequeues: 0`): every try
 * is made, counted and logged by SendDelivery, nowhere else.
 */
export function campaignTransport() {
  transporter ??= nodemailer.createTransport(campaignTransportOptions())
  return transporter
}

/**
 * The pool's settings from the environment; the send benchmark's baseline
 * uses them too, so it measures the same transport.
 */
export function campaignTransportOptions(): SMTPPool.Options {
  return {
    pool: true,
    maxConnections: sendingConfig.poolSize,
    maxMessages: 500,
    maxRequeues: 0,
    host: env.get('SMTP_HOST'),
    port: env.get('SMTP_PORT'),
    secure: env.get('SMTP_SECURE', false),
    auth: env.get('SMTP_USERNAME')
      ? { user: env.get('SMTP_USERNAME'), pass: env.get('SMTP_PASSWORD', '') }
      : undefined,
    ...smtpTimeouts,
    getSocket: openUnbufferedSocket,
  } as SMTPPool.Options
}

/**
 * Opens the TCP connection with Nagle's algorithm off. Nodemailer writes a
 * message's end-of-data line as a separate small packet; with Nagle on, it
 * waits for the server's delayed ACK (~40 ms) after every message, which
 * capped one connection at ~23 messages a second (487 without it, measured
 * with bench/send_pipeline.ts's sink). Nodemailer still does the rest:
 * timeouts, TLS (implicit or STARTTLS) and the SMTP dialogue.
 */
function openUnbufferedSocket(
  options: { host?: string; port?: number },
  callback: (error: Error | null, socketOptions?: { connection: net.Socket }) => void
) {
  const connection = net.connect({ host: options.host, port: options.port!, noDelay: true })
  callback(null, { connection })
}

/**
 * The transport options for a workspace's own server (Settings → SMTP
 * server): pooled for campaign mail, or a single connection for the
 * page's "Send a test". Same timeouts as the platform's server, and every
 * connection goes through `openCheckedSocket`.
 */
export function workspaceTransportOptions(
  server: Pick<
    WorkspaceSmtpServer,
    'host' | 'port' | 'tlsMode' | 'username' | 'password' | 'poolSize'
  >,
  { pool }: { pool: boolean }
): SMTPPool.Options {
  return {
    pool,
    maxConnections: server.poolSize,
    maxMessages: 500,
    maxRequeues: 0,
    host: server.host,
    port: server.port,
    secure: server.tlsMode === 'implicit',
    requireTLS: server.tlsMode === 'starttls',
    ignoreTLS: server.tlsMode === 'none',
    auth: server.username ? { user: server.username, pass: server.password ?? '' } : undefined,
    ...smtpTimeouts,
    getSocket: openCheckedSocket,
  } as SMTPPool.Options
}

/**
 * Why a workspace's server was not even connected to. The resolved address
 * is never named: the owner of a host name would otherwise learn what it
 * resolves to inside our network.
 */
export const REFUSED_PRIVATE_SMTP =
  'Refused: the server is on a private, loopback, link-local or metadata address'

/**
 * Opens the connection to a workspace's server on an address its name
 * resolves to now, refused when that address is one addresses.ts forbids
 * (and SMTP_ALLOWED_HOSTS does not let through): checked at connection
 * time, on the address actually connected to, so a name that resolves (or
 * rebinds) to an internal address gets nowhere. With implicit TLS the
 * handshake is made here too, the certificate checked against the host
 * name: a handshake that fails for good (wrong protocol, bad certificate)
 * is an ETLS error, which pauses sending, where nodemailer would report a
 * socket error, retried as if the server were down. The lookup and the
 * handshake are bounded by the connection timeout; the rest is nodemailer's.
 */
function openCheckedSocket(
  options: { host?: string; port?: number; secure?: boolean },
  callback: (
    error: Error | null,
    socketOptions?: { connection: net.Socket; secured?: boolean }
  ) => void
) {
  const host = (options.host ?? '').toLowerCase()
  let settled = false
  let opened: net.Socket | undefined
  const settle = (error: Error | null, connection?: net.Socket) => {
    if (settled) return connection?.destroy()
    settled = true
    clearTimeout(timer)
    if (error) opened?.destroy()
    callback(error, connection ? { connection, secured: options.secure } : undefined)
  }
  const timer = setTimeout(
    () => settle(smtpError(`No connection to ${host} within the time allowed`, 'ETIMEDOUT')),
    smtpTimeouts.connectionTimeout
  )
  resolveAllowedAddress(host).then((address) => {
    if (settled) return
    const socket = net.connect({ host: address, port: options.port!, noDelay: true })
    if (!options.secure) return settle(null, socket)
    // `host` for the certificate check, `servername` for SNI (names only).
    const secured = tls.connect({
      socket,
      host,
      servername: isIpAddress(host) ? undefined : host,
    })
    opened = secured
    secured.once('secureConnect', () => settle(null, secured))
    secured.once('error', (error: NodeJS.ErrnoException) => settle(tlsFailure(error)))
  }, settle)
}

function isIpAddress(host: string) {
  return net.isIP(host) !== 0
}

/**
 * A failed handshake, as the engine should read it: the connection itself
 * failing (refused, reset, timed out) keeps its code and is retried; the
 * TLS layer failing (a plain server, a certificate that does not verify)
 * is the settings' fault.
 */
function tlsFailure(error: NodeJS.ErrnoException) {
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(error.code ?? '')) return error
  return smtpError(`TLS failed: ${error.message.trim()}`, 'ETLS')
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
    throw smtpError(`The host name ${host} does not resolve`, missing ? 'EDNS' : error.code)
  }
  const allowedByName = allowlist(entries).names.includes(host)
  if (!allowedByName && addresses.some(({ address }) => isForbiddenAddress(address, entries))) {
    // Nothing a retry can fix: ECONFIG pauses sending (smtp_outcomes.ts).
    throw smtpError(REFUSED_PRIVATE_SMTP, 'ECONFIG')
  }
  return addresses[0].address
}

function smtpError(message: string, code: string) {
  return Object.assign(new Error(message), { code })
}

export function closeCampaignTransport() {
  transporter?.close()
  transporter = undefined
}
