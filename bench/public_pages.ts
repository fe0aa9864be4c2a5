/*
|--------------------------------------------------------------------------
| Public pages benchmark: `npm run bench:pages`
|--------------------------------------------------------------------------
|
| Seeds a blog and a few thousand mailings' worth of deliveries into its own
| SQLite file, then starts the real web server (`bin/server.ts`, production
| mode: compiled templates are cached as in production) twice on it:
|
| 1. baseline: PAGE_CACHE=false, every request queries and renders;
| 2. cached: PAGE_CACHE=true, numbers, the random-posts pool and blog
|    fragments come from the cache (memory in front of Redis).
|
| and measures requests per second on `/` and on one article with the same
| anonymous load (keep-alive connections, no cookies). It also measures the
| cached server answering conditional requests (If-None-Match) with 304.
| Prints each rate and the ratio to the baseline of the same run.
|
| Its own SQLite file (tmp/bench-pages.sqlite3, recreated and removed) and
| Redis DB index (REDIS_DB, default 7, flushed before and after).
|
| Options (environment): BENCH_SECONDS (10 per measure), BENCH_CONNECTIONS
| (8), BENCH_DELIVERIES (50000), BENCH_POSTS (40).
|
*/

import 'reflect-metadata'
import { cpus } from 'node:os'
import http from 'node:http'
import type { ServiceProcess } from '#tests/helpers/processes'
import { bootBenchApp } from './helpers/boot_app.js'
import { createBenchOwner } from './helpers/owners.js'
import { startWebServer, untilServing } from './helpers/web_server.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8)
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 50_000)
const POSTS = Number(process.env.BENCH_POSTS ?? 40)
const DATABASE = 'tmp/bench-pages.sqlite3'
const PORT = Number(process.env.BENCH_PORT ?? 3495)
const BASE = `http://127.0.0.1:${PORT}`
const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS })

process.env.REDIS_DB ??= '7'

const { app, removeSqliteFile } = await bootBenchApp({ sqliteFile: DATABASE })

const { DateTime } = await import('luxon')
const { default: db } = await import('@adonisjs/lucid/services/db')
const { default: redis } = await import('@adonisjs/redis/services/main')
const { MigrationRunner } = await import('@adonisjs/lucid/migration')
const { default: Post } = await import('#models/post')
const { renderPostMarkdown } = await import('#services/blog/markdown')
const { sqlTime } = await import('#services/database/sql_time')

let server: ServiceProcess | undefined
try {
  await new MigrationRunner(db, app, { direction: 'up' }).run()
  await redis.flushdb()
  const articleSlug = await seed()
  const article = `/blog/${articleSlug}`

  const results: Record<string, Record<string, number>> = {}
  for (const mode of ['baseline', 'cached'] as const) {
    server = await startServer({ PAGE_CACHE: mode === 'cached' ? 'true' : 'false' })
    await untilServing(server, BASE)
    results[mode] = {}
    for (const path of ['/', article]) {
      await measure(path, 2) // warm-up: compiled templates, filled caches
      results[mode][path] = await measure(path, SECONDS)
    }
    if (mode === 'cached') {
      for (const path of ['/', article]) {
        const etag = await etagOf(path)
        results.revalidated ??= {}
        results.revalidated[path] = await measure(path, SECONDS, { 'if-none-match': etag }, 304)
      }
    }
    await server.stop()
    server = undefined
  }

  const rate = (value: number) => `${Math.round(value).toLocaleString('en').padStart(6)} req/s`
  const lines = [
    '',
    `Public pages, anonymous visitors: ${CONNECTIONS} keep-alive connections, ${SECONDS} s per measure`,
    `SQLite · Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}`,
    `${POSTS} posts, ${DELIVERIES.toLocaleString('en')} deliveries`,
    '',
    'page                      no cache (baseline)   cache on              ratio   304 revalidation   ratio',
  ]
  for (const [label, path] of [
    ['/', '/'],
    ['article', article],
  ]) {
    const base = results.baseline[path]
    const cached = results.cached[path]
    const revalidated = results.revalidated[path]
    lines.push(
      `${label.padEnd(26)}${rate(base).padEnd(22)}${rate(cached).padEnd(22)}${(cached / base).toFixed(1).padStart(4)} ×   ${rate(revalidated).padEnd(19)}${(revalidated / base).toFixed(1).padStart(4)} ×`
    )
  }
  console.log(lines.join('\n') + '\n')
} finally {
  await server?.stop()
  await redis.flushdb()
  await app.terminate()
  await removeSqliteFile()
}

/**
 * Ten workspaces with mailings, runs and deliveries (the home page counts
 * distinct emails over them), and published posts of ordinary length.
 */
async function seed() {
  const now = DateTime.now()
  const runIds: { id: number; tenantId: number }[] = []
  for (let index = 0; index < 10; index++) {
    const { tenant } = await createBenchOwner(`Bench Owner ${index}`, `bench-${index}`)
    const message = await tenant
      .related('messages')
      .create({ subject: 'News', bodyText: 'Hello {{ client.full_name }}' })
    for (let mailing = 0; mailing < 20; mailing++) {
      const [mailingId] = await db
        .table('mailings')
        .insert({
          tenant_id: tenant.id,
          message_id: message.id,
          name: `Mailing ${mailing}`,
          audience: 'all',
          periodicity: 'once',
          start_at: sqlTime(now.minus({ days: 1 })),
          end_at: sqlTime(now.plus({ days: 1 })),
          status: mailing % 4 === 0 ? 'running' : 'completed',
          created_at: sqlTime(now),
        })
        .returning('id')
      const [runId] = await db
        .table('mailing_runs')
        .insert({
          tenant_id: tenant.id,
          mailing_id: typeof mailingId === 'object' ? mailingId.id : mailingId,
          occurrence_at: sqlTime(now.minus({ days: 1 })),
          status: 'completed',
          created_at: sqlTime(now),
        })
        .returning('id')
      runIds.push({ id: typeof runId === 'object' ? runId.id : runId, tenantId: tenant.id })
    }
  }

  const perRun = Math.ceil(DELIVERIES / runIds.length)
  for (const run of runIds) {
    const rows = Array.from({ length: perRun }, (_, index) => ({
      run_id: run.id,
      tenant_id: run.tenantId,
      // Clients appear in several runs: distinct emails are fewer than rows.
      email: `client-${(run.id * 37 + index) % (DELIVERIES / 2)}@example.com`,
      status: 'sent',
      created_at: sqlTime(now),
    }))
    for (let start = 0; start < rows.length; start += 100) {
      await db.table('deliveries').multiInsert(rows.slice(start, start + 100))
    }
  }

  const paragraph =
    'Keeping in touch with clients is a habit, not a campaign. A short, useful mailing every month, ' +
    'sent at the hour your clients read their mail, does more than a glossy newsletter twice a year. '
  let slug = ''
  for (let index = 0; index < POSTS; index++) {
    const body = [
      `## Part one\n\n${paragraph.repeat(4)}`,
      `- a list item with **bold** text\n- another with a [link](https://example.com/${index})`,
      `## Part two\n\n${paragraph.repeat(6)}`,
      '```\nconst mailing = await CreateMailing.handle({ tenant, user, data })\n```',
      `## Part three\n\n${paragraph.repeat(5)}`,
    ].join('\n\n')
    const post = await Post.create({
      title: `How to keep in touch, part ${index + 1}`,
      slug: `keep-in-touch-${index + 1}`,
      excerpt: 'Short, useful mailings at the right hour beat glossy newsletters.',
      bodyMarkdown: body,
      bodyHtml: renderPostMarkdown(body),
      publishedAt: now.minus({ hours: POSTS - index }),
    })
    slug = post.slug
  }
  return slug
}

/**
 * The web server as in production (compiled templates cached), on the
 * benchmark's database and Redis DB.
 */
function startServer(overrides: Record<string, string>) {
  return startWebServer({
    env: {
      PORT: String(PORT),
      HOST: '127.0.0.1',
      APP_URL: BASE,
      APP_KEY: 'bench-only-key-6f1d2c3b4a5e6f7081920a1b2c3d4e5f',
      REDIS_HOST: process.env.REDIS_HOST ?? '127.0.0.1',
      REDIS_PORT: process.env.REDIS_PORT ?? '6379',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: '2599',
      MAIL_FROM_ADDRESS: 'bench@mailings.test',
      ...overrides,
    },
  })
}

function request(path: string, headers: Record<string, string> = {}) {
  return new Promise<number>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: PORT, path, agent, headers }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
  })
}

async function etagOf(path: string) {
  return new Promise<string>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: PORT, path, agent }, (res) => {
        res.resume()
        res.on('end', () => resolve(String(res.headers.etag)))
      })
      .on('error', reject)
  })
}

/**
 * Requests per second over `seconds`, with CONNECTIONS requests in flight;
 * fails if any answer is not the expected status.
 */
async function measure(
  path: string,
  seconds: number,
  headers: Record<string, string> = {},
  expected = 200
) {
  const endAt = Date.now() + seconds * 1000
  let done = 0
  const loop = async () => {
    while (Date.now() < endAt) {
      const status = await request(path, headers)
      if (status !== expected) throw new Error(`${path} answered ${status}, not ${expected}`)
      done++
    }
  }
  const startedAt = Date.now()
  await Promise.all(Array.from({ length: CONNECTIONS }, loop))
  return done / ((Date.now() - startedAt) / 1000)
}
