/*
 * The README's "Running in production", command by command, from the build:
 * `node ace build`, then in build/ `npm ci --omit=dev`, the migrations, the
 * web server and a worker in NODE_ENV=production, and the operator's ace
 * commands. Slow (a build and an install with native modules: minutes), so
 * it is its own suite, run when named (`node ace test production`) and once
 * by CI, not by every `npm test`.
 *
 * The built app gets its configuration from the process environment (the
 * build has no .env): .env.example's values, production settings on top, its
 * own database (a SQLite file in a new folder, or a PostgreSQL database of
 * its own when the run uses PostgreSQL), a private redis-server and the tests' SMTP
 * server.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { EnvParser } from '@adonisjs/env'
import env from '#start/env'
import { smtp } from '#tests/helpers/peers'
import { freePort } from '#tests/helpers/sending'
import { runCommand, ServiceProcess } from '#tests/helpers/processes'
import { waitUntil } from '#tests/helpers/wait'

const BUILD = app.makePath('build')
const NODE = process.execPath
const PASSWORD = 'granite orchid saffron'
const OPERATOR = `ops-${Date.now().toString(36)}@example.com`

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
 * PostgreSQL, a SQLite file whose folder the built app must create.
 */
async function productionDatabase(): Promise<Record<string, string>> {
  if (env.get('DB_CONNECTION') !== 'postgres') {
    // Outside build/, which the next build empties (README); its folder is
    // missing, as on a new server.
    rmSync(app.makePath('tmp/production'), { recursive: true, force: true })
    return { DB_CONNECTION: 'sqlite', DB_DATABASE: app.makePath('tmp/production/db.sqlite3') }
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

test.group('Production: the README, run from the build', (group) => {
  let productionEnv: Record<string, string> = {}
  let baseUrl = ''
  let redis: ServiceProcess | undefined
  let server: ServiceProcess | undefined
  let worker: ServiceProcess | undefined

  group.setup(async () => {
    const redisPort = await freePort()
    redis = new ServiceProcess('redis-server', [
      ...['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    ]).start()
    await redis.waitForOutput('Ready to accept connections')

    const httpPort = await freePort()
    baseUrl = `http://127.0.0.1:${httpPort}`
    const example = await new EnvParser(readFileSync(app.makePath('.env.example'), 'utf8')).parse()
    productionEnv = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...example,
      NODE_ENV: 'production',
      APP_KEY: randomBytes(32).toString('base64url'),
      HOST: '127.0.0.1',
      PORT: String(httpPort),
      APP_URL: baseUrl,
      LOG_LEVEL: 'info',
      SESSION_DRIVER: 'redis',
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(redisPort),
      REDIS_DB: '0',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      ...(await productionDatabase()),
    }

    return async () => {
      await worker?.stop()
      await server?.stop()
      await redis?.stop()
      if (productionEnv.DB_CONNECTION === 'postgres') {
        await db.rawQuery(`DROP DATABASE IF EXISTS "${productionEnv.DB_DATABASE}"`)
      }
    }
  })

  const inBuild = (args: string[], extra: Record<string, string> = {}) =>
    runCommand(NODE, args, { cwd: BUILD, env: { ...productionEnv, ...extra } })

  test('node ace build compiles the app into build/', async ({ assert }) => {
    const build = await runCommand(NODE, ['ace', 'build'], {
      cwd: app.makePath(),
      env: toolEnvironment(),
    })
    assert.equal(build.code, 0, build.output)
    assert.isTrue(existsSync(`${BUILD}/bin/server.js`))
    assert.isTrue(existsSync(`${BUILD}/package-lock.json`))
  })

  test('cd build && npm ci --omit=dev installs it, its postinstall included', async ({
    assert,
  }) => {
    // The build's own install must produce the browser files (its
    // postinstall), not inherit the ones the source tree's install made.
    rmSync(`${BUILD}/public/vendor`, { recursive: true, force: true })

    const install = await runCommand('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], {
      cwd: BUILD,
      env: toolEnvironment(),
    })
    assert.equal(install.code, 0, install.output)
    assert.equal(
      readFileSync(`${BUILD}/public/vendor/bootstrap.min.css`, 'utf8'),
      readFileSync(app.makePath('node_modules/bootstrap/dist/css/bootstrap.min.css'), 'utf8')
    )
    // devDependencies stay out (some, e.g. @japa/*, come in as optional peers
    // of production packages); the build runs without the TypeScript loader.
    for (const devOnly of ['ts-node-maintained', 'eslint']) {
      assert.isFalse(existsSync(`${BUILD}/node_modules/${devOnly}`), `${devOnly} is not installed`)
    }
  })

  test('node ace migration:run --force migrates a fresh database', async ({ assert }) => {
    const migrate = await inBuild(['ace', 'migration:run', '--force'])
    assert.equal(migrate.code, 0, migrate.output)
    assert.include(migrate.output, 'Migrated')
  })

  test('the operator commands run from the build', async ({ assert }) => {
    const list = await inBuild(['ace', 'list'])
    assert.equal(list.code, 0, list.output)
    for (const command of ['users:create', 'mailings:send', 'queue:listen', 'cache:clear']) {
      assert.include(list.output, command)
    }

    const create = await inBuild([
      'ace',
      'users:create',
      `--email=${OPERATOR}`,
      `--password=${PASSWORD}`,
      '--role=admin',
      '--name=Ops',
    ])
    assert.equal(create.code, 0, create.output)
  })

  test('node bin/server.js serves pages and assets; the operator logs in', async ({ assert }) => {
    server = new ServiceProcess(NODE, ['bin/server.js'], { cwd: BUILD, env: productionEnv })
    server.start()
    await waitUntil('the built web server to answer', async () => {
      if (server!.exited) throw new Error(`The web server exited:\n${server!.output}`)
      return fetch(`${baseUrl}/`).then(
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
    assert.equal(await css.text(), readFileSync(`${BUILD}/public/vendor/bootstrap.min.css`, 'utf8'))
    const script = await fetch(`${baseUrl}/vendor/bootstrap.bundle.min.js`)
    assert.equal(script.status, 200)

    const operator = new HttpVisitor(baseUrl)
    const login = await operator.submit('/login', { email: OPERATOR, password: PASSWORD })
    assert.equal(login.status, 302)
    const dashboard = await operator.request('/dashboard')
    assert.equal(dashboard.status, 200)
    assert.include(await dashboard.text(), 'Ops')
  })

  test('a worker started as the README says sends the mail the web app queues', async ({
    assert,
  }) => {
    worker = new ServiceProcess(NODE, ['--max-old-space-size=128', 'ace', 'queue:listen'], {
      cwd: BUILD,
      env: productionEnv,
    })
    worker.start()
    await worker.waitForOutput('Worker started')

    const visitor = new HttpVisitor(baseUrl)
    const request = await visitor.submit('/forgot-password', { email: OPERATOR })
    assert.equal(request.status, 302)

    const mail = await smtp.waitFor((message) => message.to.includes(OPERATOR), 60_000)
    assert.include(mail.parsed.text ?? '', `${baseUrl}/`)
  })
})
