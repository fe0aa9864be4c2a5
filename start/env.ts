/*
|--------------------------------------------------------------------------
| Environment variables
|--------------------------------------------------------------------------
|
| Every variable the app reads is validated here, at boot, so a missing or
| malformed value stops the process with a sentence instead of failing later
| in the middle of a request or a send.
|
*/

import { isIP } from 'node:net'
import { createPublicKey } from 'node:crypto'
import proxyaddr from 'proxy-addr'
import { Env } from '@adonisjs/core/env'
import { duration } from '#services/config/duration'

/**
 * The reverse proxies whose X-Forwarded-For (and -Proto, -Host) is believed:
 * IP addresses, CIDR ranges and proxy-addr's names (loopback, linklocal,
 * uniquelocal), comma-separated. Unset or empty: loopback only, so a client
 * that reaches the app directly cannot choose the IP it is counted under.
 */
export function proxyList(key: string, value?: string): string[] {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  if (entries.length === 0) return ['loopback']
  for (const entry of entries) {
    try {
      proxyaddr.compile(entry)
    } catch {
      throw new Error(
        `${key} must list the IP addresses or CIDR ranges of your reverse proxies, comma-separated ` +
          `(e.g. "10.0.0.5, 192.168.1.0/24"), or the names loopback, linklocal, uniquelocal: ` +
          `"${entry}" is none of these`
      )
    }
  }
  return entries
}

/**
 * A secret a monitoring system or a provider presents (HEALTH_TOKEN,
 * METRICS_TOKEN, POSTMARK_WEBHOOK_PASSWORD):
 * optional, but when set long enough that it cannot be guessed.
 */
function monitoringToken(key: string, value?: string): string | undefined {
  if (value === undefined || value.trim() === '') return undefined
  if (value.trim().length < 16) {
    throw new Error(
      `${key} must be at least 16 characters long (e.g. the output of "openssl rand -hex 32"), or empty to leave it unset`
    )
  }
  return value.trim()
}

/**
 * An optional regular expression, checked at boot.
 */
function regExp(key: string, value?: string): string | undefined {
  if (value === undefined || value.trim() === '') return undefined
  try {
    new RegExp(value.trim())
  } catch {
    throw new Error(`${key} must be a regular expression (got "${value}")`)
  }
  return value.trim()
}

/**
 * An optional TCP port (1–65535): a worker's health port from a systemd
 * template (910%i) can come out of range, and must stop the worker with a
 * sentence at boot rather than when it listens.
 */
function optionalPort(key: string, value?: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const port = Number(value.trim())
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(`${key} must be a port number from 1 to 65535 (got "${value}")`)
  }
  return port
}

/**
 * The DNS servers sending-domain checks ask (DNS_SERVERS): IP addresses with
 * an optional port, comma-separated ("10.0.0.2, 10.0.0.3:5353, [::1]:53"),
 * in the form node:dns's setServers takes. Unset or empty: the system's
 * resolvers.
 */
export function dnsServerList(key: string, value?: string): string[] {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  for (const entry of entries) {
    const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry) ?? /^([^:]+)(?::(\d+))?$/.exec(entry)
    const [address, port] = match ? [match[1], match[2]] : [entry, undefined]
    const portOk = port === undefined || (Number(port) >= 1 && Number(port) <= 65_535)
    if (!isIP(address) || !portOk) {
      throw new Error(
        `${key} must list DNS server IP addresses, each with an optional port, comma-separated ` +
          `(e.g. "1.1.1.1, 10.0.0.2:5353, [::1]:53"), or be empty for the system's resolvers: "${entry}" is not one`
      )
    }
  }
  return entries
}

/**
 * SendGrid's signed-webhook verification key (SENDGRID_WEBHOOK_PUBLIC_KEY):
 * the base64 of an ECDSA public key (DER, SubjectPublicKeyInfo), as
 * SendGrid shows it. Checked at boot: a key that cannot be read would
 * otherwise fail every webhook request.
 */
export function sendgridPublicKey(key: string, value?: string): string | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const text = value.trim()
  let type: string | undefined
  try {
    const der = Buffer.from(text, 'base64')
    type = createPublicKey({ key: der, format: 'der', type: 'spki' }).asymmetricKeyType
  } catch {
    type = undefined
  }
  if (type !== 'ec') {
    throw new Error(
      `${key} must be the "Verification Key" SendGrid shows for its Signed Event Webhook ` +
        `(base64, one line, starting "MFkw"), or empty to leave SendGrid off`
    )
  }
  return text
}

export default await Env.create(new URL('../', import.meta.url), {
  TZ: Env.schema.string.optional(),
  NODE_ENV: Env.schema.enum(['development', 'production', 'test'] as const),
  PORT: Env.schema.number({ message: 'PORT must be the port number the web server listens on' }),
  HOST: Env.schema.string({ format: 'host', message: 'HOST must be a host name or IP address' }),
  APP_KEY: Env.schema.string({
    message: 'APP_KEY is missing: run "node ace generate:key" and put the key in .env',
  }),
  APP_URL: Env.schema.string({
    format: 'url',
    tld: false,
    message: 'APP_URL must be the public URL of the app, e.g. http://localhost:3333',
  }),
  TRUSTED_PROXIES: proxyList,
  LOG_LEVEL: Env.schema.enum.optional([
    'fatal',
    'error',
    'warn',
    'info',
    'debug',
    'trace',
    'silent',
  ] as const),

  /*
  |----------------------------------------------------------
  | Sessions
  |----------------------------------------------------------
  */
  SESSION_DRIVER: Env.schema.enum.optional(['redis', 'memory'] as const, {
    message:
      'SESSION_DRIVER must be "redis" (the default: sessions on the server, so log-out and a password change end them) or "memory" (tests only). "cookie" is no longer offered: a session kept in the cookie cannot be ended',
  }),

  /*
  |----------------------------------------------------------
  | Database: SQLite by default, PostgreSQL in production
  |----------------------------------------------------------
  */
  DB_CONNECTION: Env.schema.enum(['sqlite', 'postgres'] as const, {
    message: 'DB_CONNECTION must be "sqlite" or "postgres"',
  }),
  DB_HOST: Env.schema.string.optional({ format: 'host' }),
  DB_PORT: Env.schema.number.optional(),
  DB_USER: Env.schema.string.optional(),
  DB_PASSWORD: Env.schema.string.optional(),
  DB_DATABASE: Env.schema.string.optional(),

  /*
  |----------------------------------------------------------
  | Redis: queues, cache, rate limits (one set of variables)
  |----------------------------------------------------------
  */
  REDIS_HOST: Env.schema.string({
    format: 'host',
    message: 'REDIS_HOST must be the host of a Redis server, e.g. 127.0.0.1',
  }),
  REDIS_PORT: Env.schema.number({ message: 'REDIS_PORT must be a port number, e.g. 6379' }),
  REDIS_PASSWORD: Env.schema.string.optional(),
  REDIS_DB: Env.schema.number.optional({
    message: 'REDIS_DB must be a Redis database index (0-15)',
  }),

  /*
  |----------------------------------------------------------
  | Outgoing mail (SMTP)
  |----------------------------------------------------------
  */
  SMTP_HOST: Env.schema.string({
    format: 'host',
    message: 'SMTP_HOST must be the host of your SMTP server',
  }),
  SMTP_PORT: Env.schema.number({ message: 'SMTP_PORT must be a port number, e.g. 587' }),
  SMTP_USERNAME: Env.schema.string.optional(),
  SMTP_PASSWORD: Env.schema.string.optional(),
  SMTP_SECURE: Env.schema.boolean.optional(),
  SMTP_CONNECTION_TIMEOUT: duration,
  SMTP_GREETING_TIMEOUT: duration,
  SMTP_SOCKET_TIMEOUT: duration,
  MAIL_FROM_ADDRESS: Env.schema.string({
    format: 'email',
    message: 'MAIL_FROM_ADDRESS must be the email address mail is sent from',
  }),
  MAIL_FROM_NAME: Env.schema.string.optional(),

  /*
  |----------------------------------------------------------
  | Sending domains (see config/sending_domains.ts)
  |----------------------------------------------------------
  */
  DNS_SERVERS: dnsServerList,
  DNS_TIMEOUT: duration,
  SPF_INCLUDE: Env.schema.string.optional({ format: 'host' }),

  /*
  |----------------------------------------------------------
  | Bounces and complaints (see config/bounces.ts and README,
  | "Bounces and complaints")
  |----------------------------------------------------------
  */
  BOUNCE_DOMAIN: Env.schema.string.optional({ format: 'host' }),
  BOUNCES_PORT: optionalPort,
  BOUNCES_HOST: Env.schema.string.optional(),
  BOUNCES_MAX_MESSAGE_BYTES: Env.schema.number.optional(),
  BOUNCES_MAX_CONNECTIONS: Env.schema.number.optional(),
  BOUNCES_SOCKET_TIMEOUT: duration,
  SOFT_BOUNCES_TO_SUPPRESS: Env.schema.number.optional(),
  REPUTATION_WINDOW: Env.schema.number.optional(),
  BOUNCE_RATE_TO_PAUSE: Env.schema.number.optional(),
  COMPLAINT_RATE_TO_PAUSE: Env.schema.number.optional(),
  BOUNCE_WEBHOOK_RATE_LIMIT: Env.schema.number.optional(),
  SES_TOPIC_ARNS: Env.schema.string.optional(),
  SNS_ORIGIN_PATTERN: regExp,
  POSTMARK_WEBHOOK_USERNAME: Env.schema.string.optional(),
  POSTMARK_WEBHOOK_PASSWORD: monitoringToken,
  SENDGRID_WEBHOOK_PUBLIC_KEY: sendgridPublicKey,
  MAILGUN_WEBHOOK_SIGNING_KEY: Env.schema.string.optional(),

  /*
  |----------------------------------------------------------
  | Queue workers
  |----------------------------------------------------------
  */
  QUEUE_CONCURRENCY: Env.schema.number.optional(),
  QUEUE_SHUTDOWN_TIMEOUT: duration,
  QUEUE_STALLED_INTERVAL: duration,

  /*
  |----------------------------------------------------------
  | Sending (see config/sending.ts for what each one does)
  |----------------------------------------------------------
  */
  SEND_BATCH_SIZE: Env.schema.number.optional(),
  SMTP_POOL_SIZE: Env.schema.number.optional(),
  SEND_MAX_ATTEMPTS: Env.schema.number.optional(),
  SEND_RETRY_DELAY: duration,
  SEND_MAX_ERRORS: Env.schema.number.optional(),
  SEND_RATE: Env.schema.number.optional(),
  SEND_RATE_PER_WORKSPACE: Env.schema.number.optional(),
  SEND_MISSED_GRACE: duration,
  SEND_STALE_AFTER: duration,
  SEND_RECONCILE_INTERVAL: duration,
  SCHEDULER_INTERVAL: duration,

  /*
  |----------------------------------------------------------
  | Workspaces' own SMTP servers (see config/custom_smtp.ts)
  |----------------------------------------------------------
  */
  ALLOW_CUSTOM_SMTP: Env.schema.boolean.optional(),
  SMTP_ALLOWED_HOSTS: Env.schema.string.optional(),
  SMTP_CUSTOM_MAX_POOL_SIZE: Env.schema.number.optional(),
  SMTP_CUSTOM_MAX_POOLS: Env.schema.number.optional(),
  SMTP_CUSTOM_IDLE_TIMEOUT: duration,

  /*
  |----------------------------------------------------------
  | Blog and public pages (see config/blog.ts)
  |----------------------------------------------------------
  */
  UPLOADS_PATH: Env.schema.string.optional(),
  PAGE_CACHE: Env.schema.boolean.optional(),
  POST_VIEWS_FLUSH_INTERVAL: duration,

  /*
  |----------------------------------------------------------
  | Outcome webhooks (see config/webhooks.ts)
  |----------------------------------------------------------
  */
  WEBHOOK_TIMEOUT: duration,
  WEBHOOK_RETRY_SCHEDULE: (key: string, value?: string) =>
    value?.trim() ? value.split(',').map((part) => duration(key, part)!) : undefined,
  WEBHOOK_ALLOWED_HOSTS: Env.schema.string.optional(),
  WEBHOOK_SCAN_INTERVAL: duration,
  WEBHOOK_BATCH_SIZE: Env.schema.number.optional(),
  WEBHOOK_RATE_PER_ENDPOINT: Env.schema.number.optional(),
  WEBHOOK_DISABLE_AFTER_DAYS: Env.schema.number.optional(),
  WEBHOOK_RETENTION_DAYS: Env.schema.number.optional(),

  /*
  |----------------------------------------------------------
  | Sign-in protection and account mail limits (config/accounts.ts)
  |----------------------------------------------------------
  */
  LOGIN_ATTEMPTS_PER_EMAIL: Env.schema.number.optional(),
  LOGIN_ATTEMPTS_PER_IP: Env.schema.number.optional(),
  LOGIN_ATTEMPTS_PER_DEVICE: Env.schema.number.optional(),
  MAIL_LIMIT_PER_ADDRESS: Env.schema.number.optional(),
  MAIL_LIMIT_PER_USER: Env.schema.number.optional(),
  MAIL_LIMIT_PER_IP: Env.schema.number.optional(),
  MAIL_LIMIT_WINDOW: duration,
  SIGN_UPS_PER_IP: Env.schema.number.optional(),
  SIGNUP_FORM_SUBMISSIONS_PER_IP: Env.schema.number.optional(),
  SIGNUP_FORM_MAILS_PER_WORKSPACE: Env.schema.number.optional(),

  /*
  |----------------------------------------------------------
  | Public API (see config/api.ts)
  |----------------------------------------------------------
  */
  API_RATE_LIMIT: Env.schema.number.optional(),
  API_RATE_LIMIT_WINDOW: duration,

  /*
  |----------------------------------------------------------
  | Health probes and metrics (see config/monitoring.ts)
  |----------------------------------------------------------
  */
  HEALTH_TOKEN: monitoringToken,
  METRICS_TOKEN: monitoringToken,
  HEALTH_CHECK_TIMEOUT: duration,
  WORKER_HTTP_PORT: optionalPort,
})
