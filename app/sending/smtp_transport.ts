import net from 'node:net'
import nodemailer, { type Transporter } from 'nodemailer'
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js'
import env from '#start/env'
import { smtpTimeouts } from '#config/mail'
import sendingConfig from '#config/sending'

let transporter: Transporter<SMTPPool.SentMessageInfo> | undefined

/**
 * The pooled SMTP transport campaign mail goes through, one per worker
 * process. Nodemailer's own requeueing is off (`maxRequeues: 0`): every try
 * is made, counted and logged by the send job, nowhere else.
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

export function closeCampaignTransport() {
  transporter?.close()
  transporter = undefined
}

export type SmtpOutcome =
  | { kind: 'sent'; code: number | null; response: string }
  | { kind: 'transient' | 'permanent' | 'configuration'; code: number | null; response: string }

const CONFIGURATION_ERRORS = new Set(['EAUTH', 'ETLS', 'ECONFIG', 'EDNS'])

/**
 * Reads a nodemailer result or error the way the engine acts on it:
 * 5xx replies are permanent (never retried); 4xx replies, refused or
 * dropped connections and timeouts are transient (retried with backoff);
 * authentication, TLS and configuration errors are nothing a retry can fix
 * and pause sending until the owner looks.
 */
export function classifySmtpError(error: any): SmtpOutcome {
  const code: number | null = typeof error?.responseCode === 'number' ? error.responseCode : null
  const response = String(error?.response ?? error?.message ?? error).slice(0, 1000)

  if (isConfigurationError(error?.code, error?.command, code)) {
    return { kind: 'configuration', code, response }
  }
  if (code !== null && code >= 500) return { kind: 'permanent', code, response }
  return { kind: 'transient', code, response }
}

/**
 * Nodemailer calls any refusal of the envelope EENVELOPE, the server's
 * answer to one recipient included. That answer is about the message, not
 * the configuration: a recipient refused at RCPT TO (550 no such user, 451
 * greylisted) or the message at DATA fails or is retried like any reply,
 * and so is a sender refused for now (4xx at MAIL FROM). A sender refused
 * for good (5xx at MAIL FROM) or an envelope nodemailer would not send
 * (no server answer) is the configuration's fault: every message would
 * fail the same way.
 */
function isConfigurationError(
  errorCode: string | undefined,
  command: string | undefined,
  code: number | null
) {
  if (code === 530 || code === 535) return true
  if (errorCode === 'EENVELOPE') return code === null || (code >= 500 && command === 'MAIL FROM')
  return CONFIGURATION_ERRORS.has(errorCode ?? '')
}

export function smtpReplyCode(response: string | undefined) {
  const match = /^(\d{3})/.exec(response ?? '')
  return match ? Number(match[1]) : null
}
