import net from 'node:net'
import nodemailer, { type Transporter } from 'nodemailer'
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js'
import env from '#start/env'
import { smtpTimeouts } from '#config/mail'
import sendingConfig from '#config/sending'
import type WorkspaceSmtpServer from '#models/workspace_smtp_server'
import { openCheckedSocket } from '#sending/workspace_connections'

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

export function closeCampaignTransport() {
  transporter?.close()
  transporter = undefined
}
