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
   * Either way on the platform's server only: through a workspace's own
   * server MAIL FROM is the workspace's address (app/sending/return_path.ts),
   * so its DSNs reach its own mailbox and only provider webhooks report them.
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

  /**
   * The shared reputation: a workspace whose bounce or complaint rate over
   * its last `window` sent messages passes a threshold has its running
   * mailings paused and the staff told (check_workspace_reputation.ts).
   * A threshold of 0 turns that check off.
   */
  reputation: {
    window: env.get('REPUTATION_WINDOW', 1000),
    bounceRateToPause: env.get('BOUNCE_RATE_TO_PAUSE', 0.05),
    complaintRateToPause: env.get('COMPLAINT_RATE_TO_PAUSE', 0.003),
  },

  /**
   * Provider webhooks (`/webhooks/bounces/<provider>`): each answers 404
   * until its secret is set.
   */
  webhooks: {
    /** Requests per minute per client IP, all providers together. */
    ratePerMinute: env.get('BOUNCE_WEBHOOK_RATE_LIMIT', 600),
    /** The largest body taken (SES and SendGrid batch events). */
    maxBodyBytes: 1024 * 1024,
    /** How old a signed timestamp may be (SendGrid; Mailgun has its own below). */
    toleranceSeconds: 5 * 60,
    ses: {
      /**
       * The SNS topics whose notifications are believed: SNS signs every
       * topic's messages with the same AWS certificate, so without this
       * anybody's topic could post bounces here.
       */
      topicArns: list(env.get('SES_TOPIC_ARNS')),
      /**
       * What the origin of SigningCertURL and SubscribeURL must match:
       * AWS's SNS hosts over HTTPS (tests allow their own server).
       */
      originPattern: new RegExp(
        env.get('SNS_ORIGIN_PATTERN') ?? '^https://sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?$'
      ),
    },
    postmark: {
      username: env.get('POSTMARK_WEBHOOK_USERNAME') ?? 'postmark',
      password: env.get('POSTMARK_WEBHOOK_PASSWORD') ?? null,
    },
    sendgrid: {
      /** The "Verification Key" SendGrid shows (base64 DER, ECDSA P-256). */
      publicKey: env.get('SENDGRID_WEBHOOK_PUBLIC_KEY')?.trim() || null,
    },
    mailgun: {
      signingKey: env.get('MAILGUN_WEBHOOK_SIGNING_KEY')?.trim() || null,
      /**
       * How old Mailgun's signed timestamp may be: Mailgun retries a
       * request that got no 200 with the same signed body for 8 hours, so
       * a 5-minute tolerance would refuse every retry. Replays within it are
       * refused by the request's token, taken once (mailgun_replay.ts).
       */
      toleranceSeconds: 9 * 60 * 60,
    },
  },
}

function list(value: string | undefined) {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
}

export default bouncesConfig
