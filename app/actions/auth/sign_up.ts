import hash from '@adonisjs/core/services/hash'
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

/**
 * A business signs up: its workspace and first user are created, and a
 * confirmation link is mailed. When the address already has an account,
 * its owner is mailed how to log in instead. The caller answers the same
 * page either way, so sign-up cannot be used to find out who has an account
 * (it was: "An account with this email already exists").
 */
export default class SignUp {
  static async handle(data: Infer<typeof signUpValidator>, { ip }: { ip: string }) {
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
