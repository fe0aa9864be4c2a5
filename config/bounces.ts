import env from '#start/env'

/**
 * Bounces and complaints coming back after a message was sent (README,
 * "Bounces and complaints"). Every value can be set from the environment.
 */
const bouncesConfig = {
  /**
   * The domain of the VERP Return-Path (`bounces+<token>@<domain>`), whose
   * MX points at `node ace bounces:listen`. Unset: no VERP, the envelope
   * sender is MAIL_FROM_ADDRESS and only provider webhooks report bounces.
   */
  domain: env.get('BOUNCE_DOMAIN')?.trim().toLowerCase() || null,

  /**
   * Where `bounces:listen` listens (port 25 in production, behind the MX).
   */
  port: env.get('BOUNCES_PORT', 2525),
  host: env.get('BOUNCES_HOST', '0.0.0.0'),

  /**
   * The largest message the listener takes: a DSN quotes the original's
   * headers (often its whole body), so this must exceed the largest
   * campaign message to read complaints that quote it in full.
   */
  maxMessageBytes: env.get('BOUNCES_MAX_MESSAGE_BYTES', 1024 * 1024),

  /**
   * Connections at once, and how long a quiet one is kept.
   */
  maxConnections: env.get('BOUNCES_MAX_CONNECTIONS', 50),
  socketTimeout: env.get('BOUNCES_SOCKET_TIMEOUT') ?? 60_000,

  /**
   * Soft bounces of an address in a row (consecutive deliveries, see
   * record_bounce.ts) after which it is suppressed as a hard bounce.
   */
  softBouncesToSuppress: env.get('SOFT_BOUNCES_TO_SUPPRESS', 3),
}

export default bouncesConfig
