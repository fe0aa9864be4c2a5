import hash from '@adonisjs/core/services/hash'
import limiter from '@adonisjs/limiter/services/main'
import { errors as limiterErrors } from '@adonisjs/limiter'
import mail from '@adonisjs/mail/services/main'
import router from '@adonisjs/core/services/router'
import User from '#models/user'
import CreateUserWithTenant from '#actions/users/create_user_with_tenant'
import SendEmailVerification from '#actions/auth/send_email_verification'
import AccountExistsNotification from '#mails/account_exists_notification'
import { allowAccountMail } from '#services/accounts/mail_limits'
import { appUrl } from '#config/app'
import type { Infer } from '@vinejs/vine/types'
import type { signUpValidator } from '#validators/auth'
import { isConstraintViolation } from '#services/database/errors'
import { networkKey } from '#services/http/client_networks'
import accountsConfig from '#config/accounts'

export class SignUpThrottledError extends Error {
  constructor(public retryAfterSeconds: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60))
    super(
      `Too many sign-ups from your network. Please wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`
    )
  }
}

/**
 * A business signs up: its workspace and first user are created, and a
 * confirmation link is mailed. When the address already has an account,
 * its owner is mailed how to log in instead. The caller answers the same
 * page either way, so sign-up cannot be used to find out who has an account
 * (it was: "An account with this email already exists").
 */
export default class SignUp {
  static async handle(data: Infer<typeof signUpValidator>, { ip }: { ip: string }) {
    await countSubmission(ip)
    const existing = await User.findBy('email', data.email)
    if (existing) return remindOwner(existing, data.password, ip)

    try {
      const { user } = await CreateUserWithTenant.handle({
        fullName: data.fullName,
        email: data.email,
        password: data.password,
        workspaceName: data.workspaceName,
        timeZone: data.timeZone,
      })
      await SendEmailVerification.handle(user, { ip })
    } catch (error) {
      // Two sign-ups with one new address at the same moment: the second
      // one finds it taken.
      if (!isConstraintViolation(error, 'unique')) throw error
      await remindOwner(await User.findByOrFail('email', data.email), data.password, ip)
    }
  }
}

/**
 * Takes one of the network's sign-ups for the window (SIGN_UPS_PER_IP), or
 * throws SignUpThrottledError. Taken before the address is looked at, for
 * new and known addresses alike, so being refused says nothing about who
 * has an account.
 */
async function countSubmission(ip: string) {
  const { perIp, windowSeconds } = accountsConfig.signUp
  const key = `signup:ip:${networkKey(ip)}`
  try {
    await limiter.use({ requests: perIp, duration: windowSeconds }).consume(key)
  } catch (error) {
    if (!(error instanceof limiterErrors.E_TOO_MANY_REQUESTS)) throw error
    throw new SignUpThrottledError(error.response.availableIn)
  }
}

async function remindOwner(owner: User, password: string, ip: string) {
  // As much work as creating the account (its password is hashed), so the
  // answer's timing does not tell the two cases apart either.
  await hash.make(password)
  if (!(await allowAccountMail({ to: owner.email, userId: owner.id, ip }))) return

  const links = router.builder().prefixUrl(appUrl)
  await mail.sendLater(
    new AccountExistsNotification({
      email: owner.email,
      firstName: owner.firstName,
      logInUrl: links.make('session.create'),
      forgotPasswordUrl: links.make('password_reset.create'),
    })
  )
}
