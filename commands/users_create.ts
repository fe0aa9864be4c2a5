import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { errors } from '@vinejs/vine'
import { ROLES } from '#models/user'
import { fullNameFromEmail } from '#validators/rules/full_name'

/**
 * How operators create the first admin (or any verified user) and the
 * workspace that comes with them.
 */
export default class UsersCreate extends BaseCommand {
  static commandName = 'users:create'
  static description = 'Create a verified user and their workspace'
  static help = [
    'node ace users:create --email=ops@example.com --password="correct horse battery" --role=admin --name="Ops"',
  ]

  static options: CommandOptions = {
    startApp: true,
  }

  @flags.string({ description: 'Email address (unique)', required: true })
  declare email: string

  @flags.string({ description: 'Password (10+ characters, not a common one)', required: true })
  declare password: string

  @flags.string({ description: `One of: ${ROLES.join(', ')}`, default: 'user' })
  declare role: string

  @flags.string({
    description:
      'Full name (default: the part of the email before @, or the whole email if that is 1 character)',
  })
  declare name?: string

  async run() {
    // Imported here: the database rules of VineJS exist only once the app has booted.
    const { default: CreateUserWithTenant } = await import('#actions/users/create_user_with_tenant')
    const { createUserValidator } = await import('#validators/users')

    try {
      const data = await createUserValidator.validate({
        email: this.email,
        password: this.password,
        role: this.role,
        fullName: this.name ?? fullNameFromEmail(this.email ?? ''),
      })
      const { user, tenant } = await CreateUserWithTenant.handle({ ...data, verified: true })
      this.logger.success(
        `Created ${user.role} ${user.email} (user #${user.id}, workspace #${tenant.id} "${tenant.name}")`
      )
    } catch (error) {
      if (!(error instanceof errors.E_VALIDATION_ERROR)) throw error
      for (const message of error.messages as { field: string; message: string }[]) {
        const flag = message.field === 'fullName' ? 'name' : message.field
        this.logger.error(`--${flag}: ${message.message}`)
      }
      this.exitCode = 1
    }
  }
}
