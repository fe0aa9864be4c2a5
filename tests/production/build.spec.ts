/*
 * The README's "Running in production", command by command, from the build:
 * `node ace build`, the build installed as on a server with
 * `npm ci --omit=dev`, then the migrations, the web server and a worker
 * started exactly as the systemd units in deploy/systemd start them, and the
 * operator's ace commands. Slow (a build and an install with native modules:
 * minutes), so it is its own suite, run when named (`node ace test
 * production`) and once by CI, not by every `npm test`.
 *
 * The build is installed in a folder of its own that stands for the server's
 * root: /opt/mailings (the units' WorkingDirectory), /etc/mailings/env (their
 * EnvironmentFile, made from deploy/env.example) and /var/lib/mailings (their
 * StateDirectory) all live under it. It is outside the source tree, so no
 * module the build needs can be found in the source tree's node_modules.
 * Its own database (a SQLite file in a new folder, or a PostgreSQL database
 * of its own when the run uses PostgreSQL), a private redis-server and the
 * tests' SMTP server.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import { smtp } from '#tests/helpers/peers'
import { freePort } from '#tests/helpers/net'
import { runCommand, ServiceProcess } from '#tests/helpers/processes'
import { readEnvironmentFile, SystemdUnit } from '#tests/helpers/systemd_units'
import { waitUntil } from '#tests/helpers/wait'

const BUILD = app.makePath('build')
const NODE = process.execPath
const PASSWORD = 'granite orchid saffron'
const OPERATOR = `ops-${Date.now().toString(36)}@example.com`

/**
 * Packages that only build or develop the app: none may be installed in
 * production (the browser files among them are copied by the build).
 */
const DEV_ONLY = [
  'bootstrap',
  'chart.js',
  '@scalar/api-reference',
  'concurrently',
  'pino-pretty',
  'maildev',
  'ts-node-maintained',
  'eslint',
]

/**
 * The server's root, a new temporary folder: every path of the units under
 * /opt/mailings, /etc/mailings or /var/lib/mailings is moved into it, and
 * /usr/bin/node is the Node running the tests.
 */
let ROOT = ''
let INSTALL = ''

function onThisServer(value: string) {
  if (value === '/usr/bin/node') return NODE
  return /^\/(opt|etc|var\/lib)\/mailings(\/|$)/.test(value) ? join(ROOT, value) : value
}

/**
 * What a unit runs, and where, with what environment, as systemd would:
 * its ExecStart, its WorkingDirectory, its Environment= and EnvironmentFile=
 * (the file wins), and PATH; and how long it may take to stop.
 */
function fromUnit(name: string, instance = '') {
  const unit = new SystemdUnit(app.makePath('deploy/systemd', name), instance)
  const [command, ...args] = unit.command().map(onThisServer)
  const environmentFile = onThisServer(unit.get('Service', 'EnvironmentFile')!)
  return {
    command,
    args,
    cwd: onThisServer(unit.get('Service', 'WorkingDirectory')!),
    env: <Record<string, string>>{
      PATH: process.env.PATH ?? '',
      ...unit.environment(),
      ...readEnvironmentFile(environmentFile),
    },
    stopTimeout: unit.get('Service', 'TimeoutStopSec')
      ? unit.milliseconds('Service', 'TimeoutStopSec')
      : 90_000,
  }
}

/**
 * npm and the build run with the runner's environment, less NODE_ENV=test
 * (the build's install is a plain `npm ci --omit=dev`).
 */
function toolEnvironment() {
  const environment = { ...process.env }
  delete environment.NODE_ENV
  return environment
}

/**
 * A database of the check's own, made afresh: beside the tests' one on
 * PostgreSQL, or a SQLite file in the units' writable folder, in a
 * subfolder the built app must create.
 */
async function productionDatabase(): Promise<Record<string, string>> {
  if (env.get('DB_CONNECTION') !== 'postgres') {
    return {
      DB_CONNECTION: 'sqlite',
      DB_DATABASE: onThisServer('/var/lib/mailings/database/db.sqlite3'),
    }
  }
  const name = `${env.get('DB_DATABASE')}_build`.replace(/[^a-z0-9_]/gi, '_')
  await db.rawQuery(`DROP DATABASE IF EXISTS "${name}"`)
  await db.rawQuery(`CREATE DATABASE "${name}"`)
  return {
    DB_CONNECTION: 'postgres',
    DB_HOST: env.get('DB_HOST') ?? '127.0.0.1',
    DB_PORT: String(env.get('DB_PORT') ?? 5432),
    DB_USER: env.get('DB_USER') ?? 'postgres',
    DB_PASSWORD: env.get('DB_PASSWORD') ?? '',
    DB_DATABASE: name,
  }
}

/**
 * Plain HTTP as a browser does it: cookies kept across requests (Secure ones
 * included, over plain HTTP to 127.0.0.1), forms posted with their CSRF token.
 */
class HttpVisitor {
  #cookies = new Map<string, string>()

  constructor(private baseUrl: string) {}

  async request(path: string, init: RequestInit = {}) {
    const response = await fetch(`${this.baseUrl}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { ...init.headers, cookie: [...this.#cookies].map((c) => c.join('=')).join('; ') },
    })
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';')
      const separator = pair.indexOf('=')
      this.#cookies.set(pair.slice(0, separator), pair.slice(separator + 1))
    }
    return response
  }

  /**
   * Opens the form's page and posts `fields` to it with the page's token.
   */
  async submit(path: string, fields: Record<string, string>) {
    const form = await this.request(path)
    const page = await form.text()
    const csrf = /name=['"]_csrf['"] value=['"]([^'"]+)/.exec(page)?.[1]
    if (!csrf) throw new Error(`No CSRF token on ${path}:\n${page}`)
    return this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, ...fields }),
    })
  }
}

test.group('Production: the README, run from the build as the systemd units run it', (group) => {
  let baseUrl = ''
  let redis: ServiceProcess | undefined
  let server: ServiceProcess | undefined
  let worker: ServiceProcess | undefined
  let database: Record<string, string> = {}

  group.setup(async () => {
    ROOT = mkdtempSync(join(tmpdir(), 'mailings-server-'))
    INSTALL = onThisServer('/opt/mailings')

    const redisPort = await freePort()
    redis = new ServiceProcess(
      'redis-server',
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { readyText: 'Ready to accept connections' }
    )
    await redis.start()

    // /etc/mailings/env as the README says to write it: deploy/env.example
    // with this machine's addresses and secrets.
    const httpPort = await freePort()
    baseUrl = `http://127.0.0.1:${httpPort}`
    database = await productionDatabase()
    const example = readEnvironmentFile(app.makePath('deploy/env.example'))
    const settings: Record<string, string> = {
      ...example,
      APP_KEY: randomBytes(32).toString('base64url'),
      HOST: '127.0.0.1',
      PORT: String(httpPort),
      APP_URL: baseUrl,
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(redisPort),
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      UPLOADS_PATH: onThisServer(example.UPLOADS_PATH),
      ...database,
    }
    mkdirSync(onThisServer('/etc/mailings'), { recursive: true })
    writeFileSync(
      onThisServer('/etc/mailings/env'),
      Object.entries(settings)
        .map(([key, value]) => `${key}=${value}`)
        .join('\n')
    )
    // What the units' StateDirectory= creates.
    mkdirSync(onThisServer('/var/lib/mailings'), { recursive: true })

    return async () => {
      await worker?.stop('SIGTERM', 15_000)
      await server?.stop('SIGTERM', 15_000)
      await redis?.stop('SIGTERM', 15_000)
      if (database.DB_CONNECTION === 'postgres') {
        await db.rawQuery(`DROP DATABASE IF EXISTS "${database.DB_DATABASE}"`)
      }
      rmSync(ROOT, { recursive: true, force: true })
    }
  })

  /**
   * An operator's ace command, in the install folder with the units'
   * environment.
   */
  const ace = (args: string[]) => {
    const { cwd, env: environment } = fromUnit('mailings-web.service')
    return runCommand(NODE, ['ace', ...args], { cwd, env: environment })
  }

  test('node ace build compiles the app and its browser files into build/', async ({ assert }) => {
    const build = await runCommand(NODE, ['ace', 'build'], {
      cwd: app.makePath(),
      env: toolEnvironment(),
    })
    assert.equal(build.code, 0, build.output)
    assert.isTrue(existsSync(`${BUILD}/bin/server.js`))
    assert.isTrue(existsSync(`${BUILD}/package-lock.json`))
    // The browser files come from the lock's packages (devDependencies),
    // copied by the build, not by an install script of the build.
    assert.equal(
      readFileSync(`${BUILD}/public/vendor/bootstrap.min.css`, 'utf8'),
      readFileSync(app.makePath('node_modules/bootstrap/dist/css/bootstrap.min.css'), 'utf8')
    )
    const manifest = JSON.parse(readFileSync(`${BUILD}/package.json`, 'utf8'))
    assert.notProperty(manifest.scripts, 'postinstall')
  })

  test('npm ci --omit=dev installs the build with production packages only', async ({ assert }) => {
    cpSync(BUILD, INSTALL, { recursive: true })
    const install = await runCommand('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], {
      cwd: INSTALL,
      env: toolEnvironment(),
    })
    assert.equal(install.code, 0, install.output)

    // npm's record of what it installed.
    const installed = Object.keys(
      JSON.parse(readFileSync(`${INSTALL}/node_modules/.package-lock.json`, 'utf8')).packages
    )
    for (const devOnly of DEV_ONLY) {
      assert.notInclude(installed, `node_modules/${devOnly}`, `${devOnly} is not installed`)
      assert.isFalse(
        existsSync(`${INSTALL}/node_modules/${devOnly}`),
        `${devOnly} is not installed`
      )
    }
    // better-sqlite3 was compiled (or its prebuilt binary fetched) there.
    assert.isTrue(
      existsSync(`${INSTALL}/node_modules/better-sqlite3/build/Release/better_sqlite3.node`)
    )
    // 868 before the browser files and dev tools left `dependencies`; two-factor
    // log-in (otplib, qrcode and its few dependencies) brought it to 608.
    assert.isBelow(installed.length, 620, `${installed.length} packages installed`)
  })

  test('mailings-migrate.service migrates a fresh database', async ({ assert }) => {
    const { command, args, cwd, env: environment } = fromUnit('mailings-migrate.service')
    const migrate = await runCommand(command, args, { cwd, env: environment })
    assert.equal(migrate.code, 0, migrate.output)
    assert.include(migrate.output, 'Migrated')
  })

  test('the operator commands run from the install', async ({ assert }) => {
    const list = await ace(['list'])
    assert.equal(list.code, 0, list.output)
    for (const command of ['users:create', 'mailings:send', 'queue:listen', 'cache:clear']) {
      assert.include(list.output, command)
    }

    const create = await ace([
      'users:create',
      `--email=${OPERATOR}`,
      `--password=${PASSWORD}`,
      '--role=admin',
      '--name=Ops',
    ])
    assert.equal(create.code, 0, create.output)
  })

  test('mailings-web.service serves pages and the browser files; the operator logs in', async ({
    assert,
  }) => {
    const { command, args, cwd, env: environment } = fromUnit('mailings-web.service')
    server = new ServiceProcess(command, args, { cwd, env: environment })
    await server.start()
    await waitUntil('the built web server to answer', async () => {
      if (server!.exited) throw new Error(`The web server exited:\n${server!.output}`)
      return fetch(`${baseUrl}/health/ready`).then(
        (response) => response.ok,
        () => false
      )
    })

    const home = await fetch(`${baseUrl}/`)
    assert.equal(home.status, 200)
    assert.include(await home.text(), '/vendor/bootstrap.min.css')

    const css = await fetch(`${baseUrl}/vendor/bootstrap.min.css`)
    assert.equal(css.status, 200)
    assert.include(css.headers.get('content-type') ?? '', 'text/css')
    assert.equal(
      await css.text(),
      readFileSync(app.makePath('node_modules/bootstrap/dist/css/bootstrap.min.css'), 'utf8')
    )
    for (const file of ['bootstrap.bundle.min.js', 'chart.umd.min.js']) {
      const response = await fetch(`${baseUrl}/vendor/${file}`)
      assert.equal(response.status, 200, file)
    }

    // The API reference viewer loads Scalar's file, served from the build.
    const docs = await fetch(`${baseUrl}/docs/api`)
    assert.equal(docs.status, 200)
    assert.include(await docs.text(), '/vendor/scalar-api-reference.js')
    const scalar = await fetch(`${baseUrl}/vendor/scalar-api-reference.js`)
    assert.equal(scalar.status, 200)
    assert.equal(
      await scalar.text(),
      readFileSync(
        app.makePath('node_modules/@scalar/api-reference/dist/browser/standalone.js'),
        'utf8'
      )
    )

    const operator = new HttpVisitor(baseUrl)
    const login = await operator.submit('/login', { email: OPERATOR, password: PASSWORD })
    assert.equal(login.status, 302)
    const dashboard = await operator.request('/dashboard')
    assert.equal(dashboard.status, 200)
    assert.include(await dashboard.text(), 'Ops')
  })

  test('a mailings-worker@ instance sends the mail the web app queues', async ({ assert }) => {
    const { command, args, cwd, env: environment } = fromUnit('mailings-worker@.service', '1')
    worker = new ServiceProcess(command, args, {
      cwd,
      env: environment,
      readyText: 'Worker started',
    })
    await worker.start()
    // Its own health port from the unit (--http-port=910%i).
    assert.include(args, '--http-port=9101')
    const ready = await fetch('http://127.0.0.1:9101/health/ready')
    assert.equal(ready.status, 200, await ready.text())

    const visitor = new HttpVisitor(baseUrl)
    const request = await visitor.submit('/forgot-password', { email: OPERATOR })
    assert.equal(request.status, 302)

    const mail = await smtp.waitFor((message) => message.to.includes(OPERATOR), 60_000)
    assert.include(mail.parsed.text ?? '', `${baseUrl}/`)
  })

  test('on SIGTERM (systemctl stop) the worker and the web server exit 0 in time', async ({
    assert,
  }) => {
    // systemd sends SIGKILL after TimeoutStopSec: the stop must end before.
    const workerStop = await worker!.stop(
      'SIGTERM',
      fromUnit('mailings-worker@.service', '1').stopTimeout
    )
    assert.deepEqual(workerStop, { code: 0, signal: null }, worker!.output)
    assert.include(worker!.output, 'Stopping: finishing running jobs')

    const serverStop = await server!.stop('SIGTERM', fromUnit('mailings-web.service').stopTimeout)
    assert.deepEqual(serverStop, { code: 0, signal: null }, server!.output)
  })
})
