import logger from '@adonisjs/core/services/logger'
import limiter from '@adonisjs/limiter/services/main'
import redis from '@adonisjs/redis/services/main'
import { errors as limiterErrors } from '@adonisjs/limiter'
import signupFormsConfig from '#config/signup_forms'
import { networkKey } from '#services/http/client_networks'
import { takeAllOrRefusal } from '#services/accounts/mail_limits'
import SignupsPausedException from '#exceptions/signups_paused_exception'

/**
 * The rate limits of public sign-up forms (config/signup_forms.ts). Keys
 * name the limit too, so a changed limit starts fresh counts rather than
 * reading counts made under another one.
 */

/**
 * Sign-ups fail closed without Redis: their limits are what keeps a public
 * form from being a way to flood inboxes, and the queue that sends the mail
 * lives there too. Rather than wait out the reconnects and answer a 500,
 * the visitor is told at once to come back (SignupsPausedException, a 503).
 * Both a connection that says it is away and a command that fails while it
 * claims to be ready count.
 */
async function withRedis<T>(task: () => Promise<T>): Promise<T> {
  if (redis.connection().status !== 'ready') throw paused('Redis is away')
  try {
    return await task()
  } catch (error) {
    if (error instanceof limiterErrors.E_TOO_MANY_REQUESTS) throw error
    throw paused(error instanceof Error ? error.message : String(error))
  }
}

function paused(why: string) {
  logger.warn({ why }, 'Sign-ups are paused: their limits cannot be counted')
  return new SignupsPausedException()
}

/**
 * Counts one submission from the visitor's network: null when it may go
 * on, or the seconds to wait. Every submission counts, valid or not, new
 * address or not, so the refusal says nothing about any address.
 */
export async function takeSubmission(ip: string): Promise<number | null> {
  const { perIp, windowSeconds } = signupFormsConfig.submissions
  try {
    await withRedis(() =>
      limiter
        .use({ requests: perIp, duration: windowSeconds })
        .consume(`signup:submissions:${perIp}/${windowSeconds}:${networkKey(ip)}`)
    )
    return null
  } catch (error) {
    if (!(error instanceof limiterErrors.E_TOO_MANY_REQUESTS)) throw error
    return Math.max(1, error.response.availableIn)
  }
}

/** Providers that ignore dots in the local part, and their one domain. */
const DOTLESS_DOMAINS: Record<string, string> = {
  'gmail.com': 'gmail.com',
  'googlemail.com': 'gmail.com',
}

/**
 * The inbox an address delivers to, as far as we can tell without asking
 * its provider: lower-cased, without a `+tag` (which most providers deliver
 * to the untagged mailbox), and for Gmail without dots and with
 * googlemail.com read as gmail.com. Only a rate-limit key: the mail still
 * goes to the address typed.
 */
export function mailboxKey(email: string) {
  const address = email.trim().toLowerCase()
  const at = address.lastIndexOf('@')
  if (at === -1) return address
  let local = address.slice(0, at)
  let domain = address.slice(at + 1)
  const plus = local.indexOf('+')
  // "+tag" alone is a mailbox of its own, not a tag of an empty one.
  if (plus > 0) local = local.slice(0, plus)
  if (DOTLESS_DOMAINS[domain]) {
    domain = DOTLESS_DOMAINS[domain]
    local = local.replaceAll('.', '')
  }
  return `${local}@${domain}`
}

/**
 * Whether a confirmation mail may go: `allowed`, or which limit refused it.
 * `workspace` is the one the owner should hear of (real sign-ups go
 * unmailed when a botnet spends the workspace's hourly budget);
 * `address` covers the others, which only hold back repeats to one
 * mailbox.
 */
export type MailAllowance = 'allowed' | 'address' | 'workspace'

/**
 * A confirmation mail taken from the limits, and how to give it back when
 * the sign-up could not be queued after all.
 */
export interface TakenMail {
  allowance: MailAllowance
  giveBack(): Promise<void>
}

/**
 * Counts a confirmation mail to this address of this workspace now, if the
 * limits allow one: at most one per 10 minutes and five a day per mailbox
 * of a workspace, so many per hour for the whole workspace (a botnet
 * posting many different addresses), and so many per hour and per day to
 * one mailbox from all workspaces together (one inbox flooded through
 * many workspaces' forms). Addresses are counted by their mailbox, so
 * `+tag` and dot variants do not each get their own allowance.
 *
 * Every valid submission takes it, whatever the address is (new, a client,
 * suppressed): the request does the same work for each, so its timing
 * tells nothing (the queued job decides what the address gets).
 */
export async function takeConfirmationMail(tenantId: number, email: string): Promise<TakenMail> {
  const mails = signupFormsConfig.mails
  const mailbox = mailboxKey(email)
  const address = `${tenantId}:${mailbox}`
  const buckets = [
    [mails.perAddressShort, mails.shortWindowSeconds, `address:${address}`] as const,
    [mails.perAddressDaily, mails.dailyWindowSeconds, `address:${address}`] as const,
    [mails.perWorkspaceHourly, mails.workspaceWindowSeconds, `workspace:${tenantId}`] as const,
    [mails.perMailboxHourly, mails.mailboxHourlyWindowSeconds, `mailbox:${mailbox}`] as const,
    [mails.perMailboxDaily, mails.mailboxDailyWindowSeconds, `mailbox:${mailbox}`] as const,
  ].map(([requests, duration, who]) => ({
    limiter: limiter.use({ requests, duration }),
    key: `signup:mail:${requests}/${duration}:${who}`,
  }))
  const refusal = await withRedis(() => takeAllOrRefusal(buckets))
  if (refusal) {
    const workspace = buckets[refusal.index].key.includes(':workspace:')
    return { allowance: workspace ? 'workspace' : 'address', giveBack: async () => {} }
  }
  return {
    allowance: 'allowed',
    giveBack: async () => {
      await Promise.all(buckets.map(({ limiter: l, key }) => l.decrement(key)))
    },
  }
}
