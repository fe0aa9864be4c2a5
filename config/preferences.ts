/**
 * The preference page (the link in every message): how often its saves
 * (topics, resubscribing) may be made. The link's token is the only key,
 * so the bound is per token, and per client network against someone
 * cycling through links they collected. Counted in Redis (config/limiter.ts),
 * shared by every web process; tests lower the limits in place.
 * Unsubscribing (the RFC 8058 one-click POST) is never limited: a mail
 * program sends it once and does not retry.
 */
const preferencesConfig = {
  rateLimit: {
    /** Saves per link per window: far more than a person changing their mind. */
    perToken: 20,
    /** Saves per client network per window (an office, a household). */
    perIp: 100,
    windowSeconds: 600,
  },
}

export default preferencesConfig
