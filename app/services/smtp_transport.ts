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
  transporter ??= nodemailer.createTransport({
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
  } as SMTPPool.Options)
  return transporter
}

export function closeCampaignTransport() {
  transporter?.close()
  transporter = undefined
}

export type SmtpOutcome =
  | { kind: 'sent'; code: number | null; response: string }
  | { kind: 'transient' | 'permanent' | 'configuration'; code: number | null; response: string }

const CONFIGURATION_ERRORS = new Set(['EAUTH', 'ETLS', 'EENVELOPE', 'ECONFIG', 'EDNS'])

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

  if (CONFIGURATION_ERRORS.has(error?.code) || code === 530 || code === 535) {
    return { kind: 'configuration', code, response }
  }
  if (code !== null && code >= 500) return { kind: 'permanent', code, response }
  return { kind: 'transient', code, response }
}

export function smtpReplyCode(response: string | undefined) {
  const match = /^(\d{3})/.exec(response ?? '')
  return match ? Number(match[1]) : null
}
