/*
 * `npm run quickstart`: everything a newcomer needs, on SQLite.
 *
 * First run only: creates .env (with a fresh APP_KEY) from .env.example, the
 * database, and the demo data. Every run: makes sure Redis answers, applies
 * new migrations, then starts the web server, a queue worker and a mail
 * catcher together. It never overwrites an existing .env or database.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import concurrently from 'concurrently'
import { ensureNodeVersion, ensureRedis, fail, readEnv } from './lib/services.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
process.chdir(root)
ensureNodeVersion()

const envFile = join(root, '.env')
if (!existsSync(envFile)) {
  const key = randomBytes(32).toString('base64url')
  const example = readFileSync(join(root, '.env.example'), 'utf8')
  writeFileSync(envFile, example.replace(/^APP_KEY=.*$/m, `APP_KEY=${key}`))
  console.log('• Created .env from .env.example, with a new APP_KEY')
} else if (!/^APP_KEY=\S+/m.test(readFileSync(envFile, 'utf8'))) {
  fail('.env has no APP_KEY. Run "node ace generate:key" (or delete .env to start over).')
}

const env = readEnv(envFile)
await ensureRedis(env)

function ace(...args) {
  const result = spawnSync(process.execPath, ['ace', ...args], { stdio: 'inherit' })
  if (result.status !== 0) fail(`"node ace ${args.join(' ')}" failed (see above).`)
}

let freshDatabase = false
if ((env.DB_CONNECTION || 'sqlite') === 'sqlite') {
  const file = resolve(root, env.DB_DATABASE || 'tmp/db.sqlite3')
  freshDatabase = !existsSync(file)
  mkdirSync(dirname(file), { recursive: true })
}

ace('migration:run', '--force')
if (freshDatabase) {
  console.log('• New database: adding demo data')
  ace('db:seed')
}

const appUrl = env.APP_URL || `http://localhost:${env.PORT || 3333}`
const smtpPort = env.SMTP_PORT || '1025'
const inboxPort = env.MAILDEV_WEB_PORT || '1080'
const demoAccounts = JSON.parse(readFileSync(join(root, 'database/demo_accounts.json'), 'utf8'))
const teamWorkspace = demoAccounts.users.find((user) => user.email === demoAccounts.team.workspaceOf)
const teamRole = (email) => {
  const member = demoAccounts.team.members.find((entry) => entry.email === email)
  return member ? `   (also ${member.role} in ${teamWorkspace.workspace})` : ''
}

console.log(`
  Mailings is starting
  ────────────────────────────────────────────────
  App          ${appUrl}
  Mail inbox   http://localhost:${inboxPort}   (every email the app sends lands here)

  Demo logins (password: ${demoAccounts.password})
${demoAccounts.users.map((user) => `    ${user.role.padEnd(16)} ${user.email}${teamRole(user.email)}`).join('\n')}

  Stop with Ctrl+C.
`)

const { result, commands } = concurrently(
  [
    { name: 'web', command: 'node ace serve --watch', prefixColor: 'blue' },
    { name: 'worker', command: 'node ace queue:listen', prefixColor: 'magenta' },
    {
      name: 'mail',
      command: `npx maildev --smtp ${smtpPort} --web ${inboxPort} --ip 127.0.0.1 --silent`,
      prefixColor: 'green',
    },
  ],
  { killOthersOn: ['failure'], restartTries: 0 }
)
// Ctrl+C reaches every child through the terminal; SIGTERM (from a process
// manager or `timeout`) reaches only us, so pass it on.
process.on('SIGTERM', () => commands.forEach((command) => command.kill('SIGTERM')))
await result.catch(() => process.exit(1))
