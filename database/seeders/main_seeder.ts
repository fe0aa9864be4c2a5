import { readFile } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import { BaseSeeder } from '@adonisjs/lucid/seeders'
import User, { type Role } from '#models/user'
import CreateUserWithTenant from '#actions/users/create_user_with_tenant'

interface DemoAccounts {
  password: string
  users: { role: Role; email: string; fullName: string; workspace: string }[]
}

/**
 * Demo data for the quick start: one account per role, each with its own
 * workspace. The accounts are listed in database/demo_accounts.json, which the quick
 * start also prints.
 */
export default class MainSeeder extends BaseSeeder {
  static environment = ['development']

  async run() {
    const demo: DemoAccounts = JSON.parse(
      await readFile(app.makePath('database/demo_accounts.json'), 'utf8')
    )

    for (const account of demo.users) {
      if (await User.findBy('email', account.email)) continue
      await CreateUserWithTenant.handle({
        fullName: account.fullName,
        email: account.email,
        password: demo.password,
        role: account.role,
        workspaceName: account.workspace,
        timeZone: 'Europe/Paris',
        verified: true,
      })
    }
  }
}
