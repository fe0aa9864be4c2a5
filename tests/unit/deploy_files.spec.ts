/*
 * The deployment recipe (Dockerfile, compose.yaml, deploy/): no container
 * engine runs here, so these files are linted and read instead; the systemd
 * units' command lines are run from a fresh build by
 * tests/production/build.spec.ts.
 */
import { test } from '@japa/runner'
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import app from '@adonisjs/core/services/app'
import { validate, ValidationSeverity, type ValidatorSettings } from 'dockerfile-utils'
import { parse } from 'yaml'
import proxyaddr from 'proxy-addr'
import { runCommand } from '#tests/helpers/processes'
import { prometheusProgram } from '#tests/helpers/prometheus'
import { CLOSING_GRACE_MS } from '#services/queue/worker_shutdown'
import { SystemdUnit, readEnvironmentFile, systemdDuration } from '#tests/helpers/systemd_units'

const read = (path: string) => readFileSync(app.makePath(path), 'utf8')

const compose = () => parse(read('compose.yaml'), { merge: true })

/** The web processes Caddy balances (deploy/Caddyfile's reverse_proxy). */
function caddyUpstreams() {
  return /reverse_proxy\s+([^{]+)\{/.exec(read('deploy/Caddyfile'))![1].trim().split(/\s+/)
}

/**
 * The Dockerfile's instructions by stage: continuation lines joined,
 * comments and parser directives dropped.
 */
function dockerStages(text: string) {
  const stages: { from: string; name?: string; instructions: [string, string][] }[] = []
  const logical = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
  for (const line of logical.split('\n').map((l) => l.trim())) {
    if (!line) continue
    const [keyword, ...rest] = line.split(/\s+/)
    const args = rest.join(' ')
    if (keyword.toUpperCase() === 'FROM') {
      const [from, , name] = args.split(/\s+/)
      stages.push({ from, name, instructions: [] })
    } else if (stages.length) {
      stages.at(-1)!.instructions.push([keyword.toUpperCase(), args])
    }
  }
  return stages
}

// Compose's and the app's durations ("45s", "1m30s") read as systemd's do.
const duration = systemdDuration

// Every check dockerfile-utils has, as an error.
const STRICT: ValidatorSettings = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
}

test.group('Deployment: Dockerfile', () => {
  test('dockerfile-utils finds no problem in it', ({ assert }) => {
    const problems = validate(read('Dockerfile'), STRICT)
    assert.deepEqual(
      problems.map((p) => `line ${p.range.start.line + 1}: ${p.message}`),
      []
    )
  })

  test('dockerfile-utils would catch a broken one (the lint is live)', ({ assert }) => {
    const broken = `${read('Dockerfile')}\nHEALTHCHECK CMD true\nWORKDIR relative\n`
    assert.isAtLeast(validate(broken, STRICT).length, 2)
  })

  test('builds in one stage, runs the built app as a non-root user in a slim one', ({ assert }) => {
    const stages = dockerStages(read('Dockerfile'))
    assert.isAtLeast(stages.length, 2)
    const [build, runtime] = [stages[0], stages.at(-1)!]
    const runs = (stage: typeof build) =>
      stage.instructions.filter(([keyword]) => keyword === 'RUN').map(([, args]) => args)

    // The build stage has the compilers for better-sqlite3, every
    // dependency, the build, then the build's production install.
    assert.match(runs(build).join('\n'), /python3.*make.*g\+\+/)
    assert.match(runs(build).join('\n'), /npm ci --no-audit/)
    assert.include(runs(build).join('\n'), 'node ace build')
    assert.match(runs(build).join('\n'), /npm ci --omit=dev/)

    // The runtime stage: same Node image, slim, no install of its own (it
    // copies the compiled production node_modules), no compiler.
    assert.equal(runtime.from, build.from)
    assert.match(runtime.from, /^node:\$\{NODE_VERSION\}-\w+-slim$/)
    assert.notMatch(runs(runtime).join('\n'), /npm (ci|install)|g\+\+/)
    const copies = runtime.instructions.filter(([keyword]) => keyword === 'COPY')
    assert.isTrue(copies.some(([, args]) => args.startsWith(`--from=${build.name} /src/build `)))

    const users = runtime.instructions.filter(([keyword]) => keyword === 'USER')
    assert.lengthOf(users, 1)
    assert.notInclude(['root', '0', '0:0'], users[0][1])

    const environment = runtime.instructions
      .filter(([keyword]) => keyword === 'ENV')
      .map(([, args]) => args)
      .join(' ')
    assert.match(environment, /NODE_ENV=production/)

    const healthcheck = runtime.instructions.find(([keyword]) => keyword === 'HEALTHCHECK')
    assert.exists(healthcheck)
    assert.include(healthcheck![1], 'deploy/healthcheck.js')
    assert.isTrue(copies.some(([, args]) => args.includes('deploy/healthcheck.js')))

    // tini as PID 1 hands SIGTERM to node; the default command is the web.
    const entrypoint = runtime.instructions.find(([keyword]) => keyword === 'ENTRYPOINT')
    assert.deepEqual(JSON.parse(entrypoint![1]), ['/usr/bin/tini', '--'])
    const cmd = runtime.instructions.find(([keyword]) => keyword === 'CMD')
    assert.deepEqual(JSON.parse(cmd![1]), ['node', 'bin/server.js'])
  })

  test('.dockerignore keeps installed, built and local files out of the context', ({ assert }) => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
    for (const path of ['node_modules', 'build', 'tmp', '.env', '.git', 'deploy/compose.env']) {
      assert.include(ignored, path)
    }
  })
})

test.group('Deployment: compose.yaml', () => {
  const services = () => compose().services as Record<string, any>

  test('two web processes behind Caddy, two workers, migrations, PostgreSQL, Redis, maildev', ({
    assert,
  }) => {
    const always = Object.entries(services())
      .filter(([, service]) => !service.profiles)
      .map(([name]) => name)
    assert.sameMembers(always, [
      'proxy',
      'web-1',
      'web-2',
      'worker',
      'migrate',
      'postgres',
      'redis',
      'maildev',
    ])
    const { proxy, worker, migrate } = services()
    assert.equal(worker.deploy.replicas, 2)
    assert.match(proxy.image, /^caddy:/)

    for (const name of ['web-1', 'web-2']) {
      assert.deepEqual(services()[name].command, ['node', 'bin/server.js'])
    }
    assert.deepEqual(worker.command, ['node', '--max-old-space-size=128', 'ace', 'queue:listen'])
    assert.deepEqual(migrate.command, ['node', 'ace', 'migration:run', '--force'])
    assert.equal(migrate.restart, 'no')

    // Caddy balances exactly the web services, on the port the image serves.
    assert.sameMembers(caddyUpstreams(), ['web-1:3333', 'web-2:3333'])
    assert.include(read('Dockerfile'), 'PORT=3333')
    assert.match(read('deploy/Caddyfile'), /health_uri \/health\/ready/)
  })

  test('the web processes and workers start after the migrations succeeded', ({ assert }) => {
    for (const name of ['web-1', 'web-2', 'worker']) {
      const dependsOn = services()[name].depends_on
      assert.equal(dependsOn.migrate.condition, 'service_completed_successfully', name)
      assert.equal(dependsOn.postgres.condition, 'service_healthy', name)
      assert.equal(dependsOn.redis.condition, 'service_healthy', name)
    }
    assert.equal(services().migrate.depends_on.postgres.condition, 'service_healthy')
    for (const name of ['web-1', 'web-2']) {
      assert.equal(services().proxy.depends_on[name].condition, 'service_healthy')
    }
  })

  test('Redis keeps jobs: AOF on, noeviction, a volume; PostgreSQL has a volume', ({ assert }) => {
    const { redis, postgres } = services()
    const flags = (redis.command as string[]).join(' ')
    assert.include(flags, '--appendonly yes')
    assert.include(flags, '--maxmemory-policy noeviction')
    assert.include(redis.volumes, 'redis-data:/data')
    assert.include(postgres.volumes, 'postgres-data:/var/lib/postgresql/data')
    assert.includeMembers(Object.keys(compose().volumes), ['redis-data', 'postgres-data'])
    assert.include(postgres.healthcheck.test, 'pg_isready')
    assert.include(redis.healthcheck.test, 'redis-cli')
  })

  test('web and worker health checks use the health script; workers outlast their drain', ({
    assert,
  }) => {
    for (const name of ['web-1', 'web-2', 'worker']) {
      assert.includeMembers(services()[name].healthcheck.test, [
        'CMD',
        'node',
        'deploy/healthcheck.js',
      ])
    }
    const { worker } = services()
    assert.equal(worker.healthcheck.test.at(-1), worker.environment.WORKER_HTTP_PORT)
    assert.isAbove(
      duration(worker.stop_grace_period),
      duration(worker.environment.QUEUE_SHUTDOWN_TIMEOUT) + CLOSING_GRACE_MS
    )
  })

  test('TRUSTED_PROXIES names Caddy, on the network the web processes share with it', ({
    assert,
  }) => {
    const { proxy } = services()
    const caddy = proxy.networks.front.ipv4_address
    const subnet = compose().networks.front.ipam.config[0].subnet
    assert.isTrue(proxyaddr.compile(subnet)(caddy, 0))
    for (const name of ['web-1', 'web-2']) {
      const web = services()[name]
      assert.include(web.networks, 'front')
      const trust = proxyaddr.compile(web.environment.TRUSTED_PROXIES.split(','))
      assert.isTrue(trust(caddy, 0))
      // Another container on that network is not believed.
      assert.isFalse(trust(subnet.replace(/0\/24$/, '99'), 0))
    }
  })

  test('the env file example exists and the app services read the same one', ({ assert }) => {
    const envFiles = new Set(
      ['web-1', 'web-2', 'worker', 'migrate'].map((name) => services()[name].env_file)
    )
    assert.deepEqual([...envFiles], ['deploy/compose.env'])
    const example = readEnvironmentFile(app.makePath('deploy/compose.env.example'))
    assert.includeMembers(Object.keys(example), [
      'APP_KEY',
      'APP_URL',
      'DB_PASSWORD',
      'POSTGRES_PASSWORD',
    ])
    assert.equal(example.SMTP_HOST, 'maildev')
    assert.include(read('.gitignore'), 'deploy/compose.env')
  })
})

test.group('Deployment: the monitoring profile (Prometheus and Grafana)', () => {
  const services = () => compose().services
  const prometheusConfig = () => parse(read('deploy/prometheus/prometheus.yml'))

  test('Prometheus and Grafana start only with --profile monitoring; Grafana only on loopback', ({
    assert,
  }) => {
    const { prometheus, grafana } = services()
    assert.deepEqual(prometheus.profiles, ['monitoring'])
    assert.deepEqual(grafana.profiles, ['monitoring'])
    assert.isUndefined(prometheus.ports, 'Prometheus is reached through Grafana only')
    assert.deepEqual(grafana.ports, ['127.0.0.1:3000:3000'])
    assert.include(
      grafana.volumes,
      './deploy/grafana/mailings.json:/var/lib/grafana/dashboards/mailings.json:ro'
    )
  })

  test('Prometheus scrapes both web processes and every worker replica, with METRICS_TOKEN', ({
    assert,
  }) => {
    const config = prometheusConfig()
    const jobs = Object.fromEntries(config.scrape_configs.map((job: any) => [job.job_name, job]))
    // The web processes Caddy balances, on the port the image serves.
    assert.sameMembers(jobs['mailings-web'].static_configs[0].targets, caddyUpstreams())
    // Every replica of the worker service, on its WORKER_HTTP_PORT.
    const { worker, prometheus } = services()
    const discovery = jobs['mailings-worker'].dns_sd_configs[0]
    assert.deepEqual(discovery.names, ['worker'])
    assert.equal(String(discovery.port), worker.environment.WORKER_HTTP_PORT)
    // On a network every scraped process shares.
    for (const name of ['web-1', 'web-2', 'worker']) {
      assert.includeMembers(services()[name].networks, prometheus.networks, name)
    }

    // The token file each job sends is the one the container writes from
    // the env file the app's services read METRICS_TOKEN from.
    // As the container runs it: compose turns its $$ escape into $.
    const entrypoint = prometheus.entrypoint.join(' ').replaceAll('$$', '$')
    for (const job of config.scrape_configs) {
      const file = job.authorization.credentials_file
      assert.include(entrypoint, `"$METRICS_TOKEN" > ${file}`)
    }
    assert.equal(prometheus.env_file, services().worker.env_file)
    assert.include(entrypoint, '--config.file=/etc/prometheus/prometheus.yml')
    assert.include(
      prometheus.volumes,
      './deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro'
    )
    const example = readEnvironmentFile(app.makePath('deploy/compose.env.example'))
    assert.property(example, 'METRICS_TOKEN')
  })

  test('promtool accepts the Prometheus configuration', async ({ assert }) => {
    // As the container sees it: the token file in place.
    const folder = mkdtempSync(join(tmpdir(), 'prometheus-'))
    try {
      writeFileSync(join(folder, 'metrics_token'), 'a-token-of-sixteen-plus')
      const config = read('deploy/prometheus/prometheus.yml').replaceAll(
        '/prometheus/metrics_token',
        join(folder, 'metrics_token')
      )
      writeFileSync(join(folder, 'prometheus.yml'), config)
      const promtool = prometheusProgram('promtool')
      assert.isNotNull(promtool, 'no promtool: npm test unpacks one (scripts/lib/prometheus.js)')
      const { code, output } = await runCommand(promtool!, [
        'check',
        'config',
        join(folder, 'prometheus.yml'),
      ])
      assert.equal(code, 0, output)
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })

  test('Grafana loads the dashboard from the mounted folder, on the Prometheus of the profile', ({
    assert,
  }) => {
    const { grafana } = services()
    const mount = (target: string) =>
      grafana.volumes.find((volume: string) => volume.split(':')[1] === target)
    for (const kind of ['datasources', 'dashboards']) {
      assert.equal(
        mount(`/etc/grafana/provisioning/${kind}`),
        `./deploy/grafana/provisioning/${kind}:/etc/grafana/provisioning/${kind}:ro`
      )
    }
    const provider = parse(read('deploy/grafana/provisioning/dashboards/mailings.yml')).providers[0]
    assert.equal(provider.options.path, '/var/lib/grafana/dashboards')

    const [datasource] = parse(
      read('deploy/grafana/provisioning/datasources/prometheus.yml')
    ).datasources
    assert.equal(datasource.type, 'prometheus')
    assert.isTrue(datasource.isDefault)
    assert.equal(datasource.url, 'http://prometheus:9090')
    // The dashboard's panels name their data source through the DS_PROMETHEUS
    // variable, which resolves to the default Prometheus when provisioned.
    const dashboard = JSON.parse(read('deploy/grafana/mailings.json'))
    const variable = dashboard.templating.list.find((v: any) => v.name === 'DS_PROMETHEUS')
    assert.equal(variable.type, 'datasource')
    assert.equal(variable.query, 'prometheus')
  })
})

test.group('Deployment: deploy/healthcheck.js', (group) => {
  let status = 200
  const server = createServer((request, response) => {
    response.statusCode = request.url === '/health/live' ? status : 404
    response.end()
  })
  let port = 0
  group.setup(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as { port: number }).port
    return () => new Promise<void>((resolve) => server.close(() => resolve()))
  })

  // Asynchronous: the server answering it runs in this process.
  const check = (args: string[], environment: Record<string, string> = {}) =>
    runCommand(process.execPath, [app.makePath('deploy/healthcheck.js'), ...args], {
      env: { PATH: process.env.PATH, ...environment },
    })

  test('exits 0 when /health/live answers 2xx, on PORT or the given port', async ({ assert }) => {
    status = 200
    const onPort = await check([], { PORT: String(port) })
    assert.equal(onPort.code, 0, onPort.output)
    const onArgument = await check([String(port)], { PORT: '1' })
    assert.equal(onArgument.code, 0, onArgument.output)
  })

  test('exits 1 when it answers an error or nothing listens', async ({ assert }) => {
    status = 503
    const failing = await check([String(port)])
    assert.equal(failing.code, 1)
    assert.include(failing.output, '503')

    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const closedPort = (closed.address() as { port: number }).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const refused = await check([String(closedPort)])
    assert.equal(refused.code, 1)
    assert.include(refused.output, 'ECONNREFUSED')
  })
})

test.group('Deployment: systemd units', () => {
  const unit = (name: string, instance?: string) =>
    new SystemdUnit(app.makePath('deploy/systemd', name), instance)
  const web = () => unit('mailings-web.service')
  const worker = () => unit('mailings-worker@.service')
  const migrate = () => unit('mailings-migrate.service')

  test('web, worker and migrations run the README commands from /opt/mailings', ({ assert }) => {
    assert.deepEqual(web().command(), ['/usr/bin/node', 'bin/server.js'])
    assert.deepEqual(unit('mailings-worker@.service', '2').command(), [
      '/usr/bin/node',
      '--max-old-space-size=128',
      'ace',
      'queue:listen',
      // Its own port, on the command line: the environment file cannot give
      // every instance the same one (EnvironmentFile beats Environment=).
      '--http-port=9102',
    ])
    assert.notProperty(worker().environment(), 'WORKER_HTTP_PORT')
    const example = readEnvironmentFile(app.makePath('deploy/env.example'))
    assert.notProperty(example, 'WORKER_HTTP_PORT')
    assert.includeMembers(Object.keys(example), ['METRICS_TOKEN', 'HEALTH_TOKEN'])
    assert.deepEqual(migrate().command(), ['/usr/bin/node', 'ace', 'migration:run', '--force'])
    for (const service of [web(), worker(), migrate()]) {
      assert.equal(service.get('Service', 'WorkingDirectory'), '/opt/mailings')
      assert.equal(service.get('Service', 'EnvironmentFile'), '/etc/mailings/env')
      assert.equal(service.environment().NODE_ENV, 'production')
      assert.equal(service.get('Service', 'User'), 'mailings')
    }
  })

  test('hardened: nothing writable but the state folder and a private /tmp', ({ assert }) => {
    for (const service of [web(), worker(), migrate()]) {
      assert.equal(service.get('Service', 'NoNewPrivileges'), 'yes')
      assert.equal(service.get('Service', 'ProtectSystem'), 'strict')
      assert.equal(service.get('Service', 'PrivateTmp'), 'yes')
      assert.equal(service.get('Service', 'ReadWritePaths'), '/var/lib/mailings')
      assert.equal(service.get('Service', 'StateDirectory'), 'mailings')
    }
    // The example puts the uploads where the units may write.
    const example = readEnvironmentFile(app.makePath('deploy/env.example'))
    assert.match(example.UPLOADS_PATH, /^\/var\/lib\/mailings\//)
  })

  test('the migrations run once, before the web server and the workers', ({ assert }) => {
    assert.equal(migrate().get('Service', 'Type'), 'oneshot')
    for (const service of [web(), worker()]) {
      assert.include(service.get('Unit', 'After'), 'mailings-migrate.service')
      assert.include(service.get('Unit', 'Requires'), 'mailings-migrate.service')
      assert.equal(service.get('Service', 'Restart'), 'on-failure')
      assert.equal(service.get('Service', 'KillSignal'), 'SIGTERM')
    }
  })

  test('a stopping worker gets longer than its drain; workers run niced', ({ assert }) => {
    const example = readEnvironmentFile(app.makePath('deploy/env.example'))
    assert.isAbove(
      worker().milliseconds('Service', 'TimeoutStopSec'),
      duration(example.QUEUE_SHUTDOWN_TIMEOUT) + CLOSING_GRACE_MS
    )
    assert.equal(worker().get('Service', 'Nice'), '10')
    assert.isUndefined(web().get('Service', 'Nice'))
  })

  test('systemd-analyze verify accepts every unit', ({ assert }) => {
    const analyze = spawnSync('systemd-analyze', ['--version'])
    assert.isUndefined(
      analyze.error,
      'systemd-analyze is missing: apt-get install systemd (it only reads the files here)'
    )
    // A template is verified as an instance; the node binary is this one.
    const folder = mkdtempSync(join(tmpdir(), 'mailings-units-'))
    try {
      const files = [
        ['mailings-web.service', 'mailings-web.service'],
        ['mailings-worker@.service', 'mailings-worker@1.service'],
        ['mailings-migrate.service', 'mailings-migrate.service'],
        ['mailings-bounces.service', 'mailings-bounces.service'],
      ].map(([source, target]) => {
        const text = readFileSync(app.makePath('deploy/systemd', source), 'utf8')
        writeFileSync(join(folder, target), text.replaceAll('/usr/bin/node', process.execPath))
        return join(folder, target)
      })
      const verify = spawnSync('systemd-analyze', ['verify', ...files], { encoding: 'utf8' })
      assert.equal(verify.status, 0, verify.stderr)
      // Unknown keys and bad values are only warnings: none allowed.
      assert.equal(`${verify.stdout}${verify.stderr}`.trim(), '')

      writeFileSync(
        join(folder, 'broken.service'),
        readFileSync(files[0], 'utf8').replace('KillSignal=', 'KilSignal=')
      )
      const broken = spawnSync('systemd-analyze', ['verify', join(folder, 'broken.service')], {
        encoding: 'utf8',
      })
      assert.include(broken.stderr, "Unknown key 'KilSignal'")
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
    assert.isFalse(existsSync(folder))
  })
})

test.group('Deployment: the browser files node ace build copies', () => {
  const script = app.makePath('scripts/vendor_assets.js')

  test('scripts/vendor_assets.js <folder> copies every file from the installed packages', async ({
    assert,
  }) => {
    const folder = mkdtempSync(join(tmpdir(), 'mailings-vendor-'))
    try {
      const copy = await runCommand(process.execPath, [script, folder])
      assert.equal(copy.code, 0, copy.output)
      assert.equal(
        readFileSync(join(folder, 'scalar-api-reference.js'), 'utf8'),
        read('node_modules/@scalar/api-reference/dist/browser/standalone.js')
      )
      for (const file of ['bootstrap.min.css', 'bootstrap.bundle.min.js', 'chart.umd.min.js']) {
        assert.isTrue(existsSync(join(folder, file)), file)
      }
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })

  test('a build where the packages are not installed stops with a sentence', async ({ assert }) => {
    // The script run from a folder with no node_modules above it.
    const elsewhere = mkdtempSync(join(tmpdir(), 'mailings-no-modules-'))
    try {
      copyFileSync(script, join(elsewhere, 'vendor_assets.js'))
      const copy = await runCommand(process.execPath, [
        join(elsewhere, 'vendor_assets.js'),
        join(elsewhere, 'vendor'),
      ])
      assert.equal(copy.code, 1)
      assert.include(
        copy.output,
        'bootstrap is not installed: run "npm ci" before "node ace build"'
      )
    } finally {
      rmSync(elsewhere, { recursive: true, force: true })
    }
  })
})
