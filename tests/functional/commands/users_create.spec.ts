import { test } from '@japa/runner'
import ace from '@adonisjs/core/services/ace'
import User from '#models/user'
import UsersCreate from '#commands/users_create'

test.group('users:create', (group) => {
  group.each.setup(() => {
    ace.ui.switchMode('raw')
    return () => ace.ui.switchMode('normal')
  })

  test('creates a verified user of the given role with their workspace', async ({ assert }) => {
    const email = `ops-${Date.now()}@example.com`
    const command = await ace.create(UsersCreate, [
      `--email=${email}`,
      '--password=granite-orchid-47-saffron',
      '--role=admin',
      '--name=Ops Person',
    ])
    await command.exec()

    command.assertSucceeded()
    const user = await User.query().where('email', email).preload('lastTenant').firstOrFail()
    assert.equal(user.role, 'admin')
    assert.equal(user.fullName, 'Ops Person')
    assert.isNotNull(user.emailVerifiedAt)
    assert.equal(user.lastTenant.name, "Ops's workspace")
  })

  test('without --name the name comes from the email, always valid ({case})')
    .with([
      { case: 'usual', local: 'ops', name: (email: string) => email.split('@')[0] },
      // One character before @ is too short for a name: the whole address.
      { case: 'one character', local: 'x', name: (email: string) => email },
      { case: 'longest local part', local: 'q'.repeat(64), name: () => 'q'.repeat(64) },
      // A long domain: the whole address, cut to the longest name allowed.
      {
        case: 'long domain',
        local: 'y',
        domain: `${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(60)}.example.com`,
        name: (email: string) => email.slice(0, 120),
      },
    ])
    .run(async ({ assert }, row) => {
      const email = `${row.local}@${Date.now()}.${row.domain ?? 'example.com'}`
      const command = await ace.create(UsersCreate, [
        `--email=${email}`,
        '--password=granite-orchid-47-saffron',
      ])
      await command.exec()

      const logs = ace.ui.logger
        .getLogs()
        .map((log) => log.message)
        .join('\n')
      assert.notInclude(logs, '--name')
      command.assertSucceeded()
      const user = await User.query().where('email', email).preload('lastTenant').firstOrFail()
      assert.equal(user.fullName, row.name(email))
      // Named after the user, within the 120 characters a workspace name has.
      assert.isAtMost(user.lastTenant.name.length, 120)
      assert.match(user.lastTenant.name, /'s workspace$/)
    })

  test('bad arguments end with a non-zero exit and a sentence per flag', async ({ assert }) => {
    const command = await ace.create(UsersCreate, [
      '--email=not-an-email',
      '--password=123',
      '--role=overlord',
    ])
    await command.exec()

    command.assertFailed()
    const errors = ace.ui.logger
      .getLogs()
      .map((log) => log.message)
      .join('\n')
    assert.include(errors, '--email: Enter a valid email address')
    assert.include(errors, '--password: The password must be at least 10 characters long')
    assert.include(errors, '--role: The role must be one of: user,manager,content_manager,admin')
  })

  test('refuses an email that is taken', async ({ assert }) => {
    const email = `taken-${Date.now()}@example.com`
    const args = [`--email=${email}`, '--password=granite-orchid-47-saffron']
    const first = await ace.create(UsersCreate, args)
    await first.exec()
    first.assertSucceeded()

    const second = await ace.create(UsersCreate, args)
    await second.exec()
    second.assertFailed()
    assert.equal(
      await User.query()
        .where('email', email)
        .count('* as total')
        .first()
        .then((r) => Number(r!.$extras.total)),
      1
    )
  })
})
