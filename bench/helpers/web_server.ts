import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { ServiceProcess } from '#tests/helpers/processes'
import { APP_ROOT } from './boot_app.js'
import { productionEnvironment } from './bench_worker.js'
import { BENCH_PASSWORD } from './owners.js'

/**
 * The real web server in production mode (compiled templates cached),
 * with the benchmark's environment (its database, Redis DB, PORT) and `env`
 * on top. `built` runs the compiled app (build/bin/server.js, after
 * compileApp()) as production does; otherwise the sources under ts-node.
 * Started, not yet serving: see untilServing.
 */
export async function startWebServer(
  options: { built?: boolean; env?: Record<string, string> } = {}
) {
  const env = { SESSION_DRIVER: 'redis', LOG_LEVEL: 'error', ...options.env }
  const server = options.built
    ? new ServiceProcess(process.execPath, ['bin/server.js'], {
        name: 'The web server',
        cwd: fileURLToPath(new URL('build/', APP_ROOT)),
        env: await productionEnvironment(env),
        keepOutput: 10_000,
      })
    : new ServiceProcess(
        process.execPath,
        ['--import=ts-node-maintained/register/esm', 'bin/server.js'],
        {
          name: 'The web server',
          cwd: fileURLToPath(APP_ROOT),
          env: { ...process.env, NODE_ENV: 'production', ...env },
          keepOutput: 10_000,
        }
      )
  await server.start()
  return server
}

/**
 * Resolves once the log-in page answers.
 */
export async function untilServing(server: ServiceProcess, base: string) {
  // ts-node compiles the app at start: slow on a busy machine.
  const deadline = Date.now() + 180_000
  for (;;) {
    if (server.exited) throw new Error(`The web server exited:\n${server.output}`)
    if (Date.now() > deadline) throw new Error(`No page within 180 s:\n${server.output}`)
    const status = await fetch(`${base}/login`)
      .then((response) => response.status)
      .catch(() => 0)
    if (status === 200) return
    await sleep(250)
  }
}

/**
 * Logs in through the form, as a browser does; returns the cookie header.
 */
export async function logIn(base: string, email: string) {
  const jar = new Map<string, string>()
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const at = pair.indexOf('=')
      jar.set(pair.slice(0, at), pair.slice(at + 1))
    }
  }
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ')

  const form = await fetch(`${base}/login`)
  keep(form)
  const csrf = /name=['"]_csrf['"] value=['"]([^'"]+)['"]/.exec(await form.text())?.[1]
  if (!csrf) throw new Error('The log-in page has no CSRF field')
  const answer = await fetch(`${base}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'cookie': cookie() },
    body: new URLSearchParams({ email, password: BENCH_PASSWORD, _csrf: csrf }),
    redirect: 'manual',
  })
  keep(answer)
  if (answer.status !== 302 || !answer.headers.get('location')?.endsWith('/dashboard')) {
    throw new Error(`Logging in answered ${answer.status} → ${answer.headers.get('location')}`)
  }
  return { cookie: cookie() }
}

/**
 * `count` requests of each page, interleaved, `concurrency` in flight; the
 * latency of each, by page. Paths under /api/ get `apiHeaders`, the others
 * `pageHeaders`; paths ending in /stats ask for JSON. Anything but a 200
 * fails the run.
 */
export async function measurePages(
  base: string,
  pages: Record<string, string>,
  headers: { page: Record<string, string>; api: Record<string, string> },
  count: number,
  concurrency: number
) {
  const queue = Array.from({ length: count }, () => Object.keys(pages)).flat()
  const latencies: Record<string, number[]> = Object.fromEntries(
    Object.keys(pages).map((label) => [label, []])
  )
  const loop = async () => {
    for (let label = queue.shift(); label !== undefined; label = queue.shift()) {
      const path = pages[label]
      const startedAt = performance.now()
      const response = await fetch(`${base}${path}`, {
        headers: {
          accept: path.endsWith('/stats') ? 'application/json' : 'text/html',
          ...(path.startsWith('/api/') ? headers.api : headers.page),
        },
        redirect: 'manual',
        signal: AbortSignal.timeout(60_000),
      })
      await response.arrayBuffer()
      if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`)
      latencies[label].push(performance.now() - startedAt)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, loop))
  return latencies
}
