import env from '#start/env'
import sendingConfig from '#config/sending'

/**
 * Workspaces' own SMTP servers (Settings → SMTP server). Every value can be
 * set from the environment.
 */
const customSmtpConfig = {
  /**
   * Whether workspaces may send through their own server. Off: the page
   * says so, saved settings are kept but ignored, and every mailing goes
   * through the platform's server.
   */
  enabled: env.get('ALLOW_CUSTOM_SMTP', true),

  /**
   * Addresses (IPs, CIDR ranges or host names) a workspace's server may be
   * on although they are private, loopback or link-local (the operator's
   * own relays; tests). Empty by default: nothing private is reachable.
   * Hosts listed here may also use any port.
   */
  allowedHosts: (env.get('SMTP_ALLOWED_HOSTS') ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean),

  /**
   * The ports a server on the internet may use: SMTP relay, submission with
   * implicit TLS, submission, and the common alternative. Anything else
   * would turn the test button into a port scanner.
   */
  ports: [25, 465, 587, 2525],

  /**
   * The most connections a workspace's pool may open, per worker process.
   */
  maxPoolSize: env.get('SMTP_CUSTOM_MAX_POOL_SIZE', sendingConfig.poolSize),

  /**
   * Workspace pools one worker process keeps open at most (the least
   * recently used one is closed to make room), and how long an unused one
   * stays open.
   */
  maxOpenPools: env.get('SMTP_CUSTOM_MAX_POOLS', 20),
  idleTimeout: env.get('SMTP_CUSTOM_IDLE_TIMEOUT') ?? 5 * 60_000,

  /**
   * "Send a test" clicks per workspace and window: each one opens a
   * connection to a host the workspace chose.
   */
  testsPerWindow: 5,
  testWindow: '10 mins',
}

/**
 * The highest send rate a workspace may choose for its own server, in
 * messages per second: the operator's per-workspace rate, or the
 * platform's when only that one is set, or 1,000.
 */
export function maxWorkspaceRate() {
  const rates = [sendingConfig.workspaceRate, sendingConfig.globalRate].filter((rate) => rate > 0)
  return rates.length ? Math.min(...rates) : 1000
}

export default customSmtpConfig
