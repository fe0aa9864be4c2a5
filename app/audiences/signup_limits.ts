import limiter from '@adonisjs/limiter/services/main'
import { errors as limiterErrors } from '@adonisjs/limiter'
import signupFormsConfig from '#config/signup_forms'
import { networkKey } from '#services/http/client_networks'
import { takeAllOrNone } from '#services/accounts/mail_limits'

/**
 * The rate limits of public sign-up forms (config/signup_forms.ts). Keys
 * name the limit too, so a changed limit starts fresh counts rather than
 * reading counts made under another one.
 */

/**
 * Counts one submission from the visitor's network: null when it may go
 * on, or the seconds to wait. Every submission counts, valid or not, new
 * address or not, so the refusal says nothing about any address.
 */
export async function takeSubmission(ip: string): Promise<number | null> {
  const { perIp, windowSeconds } = signupFormsConfig.submissions
  try {
    await limiter
      .use({ requests: perIp, duration: windowSeconds })
      .consume(`signup:submissions:${perIp}/${windowSeconds}:${networkKey(ip)}`)
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
 * Whether a confirmation mail may go to this address of this workspace now,
 * counting it if so: at most one per 10 minutes and five a day per mailbox
 * of a workspace, so many per hour for the whole workspace (a botnet
 * posting many different addresses), and so many per hour and per day to
 * one mailbox from all workspaces together (one inbox flooded through
 * many workspaces' forms). Addresses are counted by their mailbox, so
 * `+tag` and dot variants do not each get their own allowance.
 */
export function takeConfirmationMail(tenantId: number, email: string) {
  const mails = signupFormsConfig.mails
  const mailbox = mailboxKey(email)
  const address = `${tenantId}:${mailbox}`
  return takeAllOrNone(
    [
      [mails.perAddressShort, mails.shortWindowSeconds, `address:${address}`] as const,
      [mails.perAddressDaily, mails.dailyWindowSeconds, `address:${address}`] as const,
      [mails.perWorkspaceHourly, mails.workspaceWindowSeconds, `workspace:${tenantId}`] as const,
      [mails.perMailboxHourly, mails.mailboxHourlyWindowSeconds, `mailbox:${mailbox}`] as const,
      [mails.perMailboxDaily, mails.mailboxDailyWindowSeconds, `mailbox:${mailbox}`] as const,
    ].map(([requests, duration, who]) => ({
      limiter: limiter.use({ requests, duration }),
      key: `signup:mail:${requests}/${duration}:${who}`,
    }))
  )
}
