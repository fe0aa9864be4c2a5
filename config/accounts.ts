import env from '#start/env'

/**
 * Protection of the account pages (log-in, sign-up, password reset, email
 * confirmation) against guessing and flooding. Counts live in Redis
 * (config/limiter.ts), so every web process shares them. Tests lower the
 * limits in place.
 */
const accountsConfig = {
  login: {
    /**
     * Failed log-ins per email from browsers without a device cookie of that
     * email; past it such browsers are refused for `lockMinutes`.
     */
    attemptsPerEmail: env.get('LOGIN_ATTEMPTS_PER_EMAIL', 5),
    /** Failed log-ins per client IP (any email), against password spraying. */
    attemptsPerIp: env.get('LOGIN_ATTEMPTS_PER_IP', 30),
    /** Failed log-ins per device cookie (a browser the owner logged in from before). */
    attemptsPerDevice: env.get('LOGIN_ATTEMPTS_PER_DEVICE', 10),
    lockMinutes: 15,
    /** How long a browser stays known after a successful log-in. */
    deviceCookieMaxAge: '365d',
  },

  /**
   * Sign-up submissions one client network may make per window, whatever the
   * addresses: each costs a password hash and may create a workspace, so a
   * flood from one network would fill the database and the CPU. Counted for
   * every submission, new address or not, so the refusal tells nothing about
   * who has an account.
   */
  signUp: {
    perIp: env.get('SIGN_UPS_PER_IP', 10),
    windowSeconds: 3600,
  },

  /**
   * Account emails (confirmation links, reset links, "you already have an
   * account") one address, one user and one IP may cause per window.
   */
  mail: {
    perAddress: env.get('MAIL_LIMIT_PER_ADDRESS', 3),
    perUser: env.get('MAIL_LIMIT_PER_USER', 5),
    perIp: env.get('MAIL_LIMIT_PER_IP', 20),
    windowSeconds: Math.max(1, Math.round((env.get('MAIL_LIMIT_WINDOW') ?? 3_600_000) / 1000)),
  },
}

export default accountsConfig
