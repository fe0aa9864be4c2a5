import CreateUserWithTenant from '#actions/users/create_user_with_tenant'
import SendEmailVerification from '#actions/auth/send_email_verification'
import type { Infer } from '@vinejs/vine/types'
import type { signUpValidator } from '#validators/auth'

/**
 * A business signs up: its workspace and first user are created, and a
 * verification link is mailed.
 */
export default class SignUp {
  static async handle(data: Infer<typeof signUpValidator>) {
    const { user } = await CreateUserWithTenant.handle({
      fullName: data.fullName,
      email: data.email,
      password: data.password,
      workspaceName: data.workspaceName,
      timeZone: data.timeZone,
    })
    await SendEmailVerification.handle(user)
    return user
  }
}
