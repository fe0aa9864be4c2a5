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

/**
 * Whether a confirmation mail may go to this address of this workspace now,
 * counting it if so: at most one per 10 minutes and five a day per address,
 * and so many per hour for the whole workspace (a botnet posting many
 * different addresses).
 */
export function takeConfirmationMail(tenantId: number, email: string) {
  const mails = signupFormsConfig.mails
  const address = `${tenantId}:${email.toLowerCase()}`
  return takeAllOrNone(
    [
      [mails.perAddressShort, mails.shortWindowSeconds, `address:${address}`] as const,
      [mails.perAddressDaily, mails.dailyWindowSeconds, `address:${address}`] as const,
      [mails.perWorkspaceHourly, mails.workspaceWindowSeconds, `workspace:${tenantId}`] as const,
    ].map(([requests, duration, who]) => ({
      limiter: limiter.use({ requests, duration }),
      key: `signup:mail:${requests}/${duration}:${who}`,
    }))
  )
}
