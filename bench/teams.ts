/*
|--------------------------------------------------------------------------
| Teams benchmark: `npm run bench:teams`
|--------------------------------------------------------------------------
|
| Issue 16: "the dashboard and lists keep their speed with 50 members and
| 20 workspaces per user". Two people, each acting in a workspace with the
| same content (BENCH_CLIENTS clients, 20 messages, 20 mailings):
|
|   solo   the owner of that one workspace, its only member (the baseline);
|   team   a member of BENCH_WORKSPACES (20) workspaces of BENCH_MEMBERS (50)
|          members each, acting in one of them.
|
| The real web server (sources, production mode) with both logged in
| through the form; BENCH_REQUESTS (200) sequential requests per page and
| person, interleaved so that drift falls on both. Prints each page's
| median and p90 latency per person and the ratio team / solo.
|
| SQLite (tmp/bench-teams.sqlite3) unless DB_CONNECTION=postgres with a
| DB_DATABASE of its own with "bench" in its name. Also REDIS_DB (8),
| BENCH_PORT (3396).
|
*/

import 'reflect-metadata'
import { performance } from 'node:perf_hooks'
import { bootBenchApp } from './helpers/boot_app.js'
import { insertChunks } from './helpers/bulk_rows.js'
import { createBenchOwner, BENCH_PASSWORD } from './helpers/owners.js'
import { percentile } from './helpers/latency.js'
import { logIn, startWebServer, untilServing } from './helpers/web_server.js'

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1_000)
const WORKSPACES = Number(process.env.BENCH_WORKSPACES ?? 20)
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 50)
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200)
const PAGES = ['/dashboard', '/clients', '/mailings', '/messages']

const postgres = process.env.DB_CONNECTION === 'postgres'
if (postgres && !/bench/i.test(process.env.DB_DATABASE ?? '')) {
  throw new Error(
    'The benchmark drops every table of DB_DATABASE: give it a database of its own, with "bench" in its name.'
  )
}
const port = Number(process.env.BENCH_PORT ?? 3396)
const base = `http://127.0.0.1:${port}`
process.env.REDIS_DB ??= '8'
process.env.PORT = String(port)
process.env.HOST = '127.0.0.1'
process.env.APP_URL = base

const { app, removeSqliteFile } = await bootBenchApp({
  sqliteFile: 'tmp/bench-teams.sqlite3',
  postgres: true,
})
const { default: db } = await import('@adonisjs/lucid/services/db')
const { default: redis } = await import('@adonisjs/redis/services/main')
const { MigrationRunner } = await import('@adonisjs/lucid/migration')
const { sqlTime } = await import('#services/database/sql_time')

if (postgres) await db.rawQuery('DROP SCHEMA public CASCADE; CREATE SCHEMA public')
await new MigrationRunner(db, app, { direction: 'up' }).run()
await redis.flushdb()

const solo = await createBenchOwner('Solo Owner', 'teams-solo')
const team = await createBenchOwner('Team Member', 'teams-member')
await fillWorkspace(solo.tenant.id)
await fillWorkspace(team.tenant.id)
await buildTeams(team.user.id, team.tenant.id)

const web = await startWebServer()
try {
  await untilServing(web, base)
  const sessions = {
    solo: await logIn(base, solo.user.email),
    team: await logIn(base, team.user.email),
  }
  const samples: Record<string, Record<'solo' | 'team', number[]>> = {}
  for (const page of PAGES) {
    samples[page] = { solo: [], team: [] }
    // Warm-up: the first requests compile templates and fill pools.
    for (let i = 0; i < 20; i++) {
      await timed(page, sessions.solo)
      await timed(page, sessions.team)
    }
    for (let i = 0; i < REQUESTS; i++) {
      samples[page].solo.push(await timed(page, sessions.solo))
      samples[page].team.push(await timed(page, sessions.team))
    }
  }

  const rows = PAGES.map((page) => {
    const s = samples[page]
    const soloMedian = percentile(s.solo, 0.5)
    const teamMedian = percentile(s.team, 0.5)
    return [
      page.padEnd(12),
      `solo ${ms(soloMedian)} (p90 ${ms(percentile(s.solo, 0.9))})`,
      `team ${ms(teamMedian)} (p90 ${ms(percentile(s.team, 0.9))})`,
      `ratio ${(teamMedian / soloMedian).toFixed(2)}`,
    ].join('   ')
  })
  console.log(
    [
      '',
      `Teams on ${db.connection().dialect.name}: ${CLIENTS} clients per workspace; the team member is in ${WORKSPACES} workspaces of ${MEMBERS} members; ${REQUESTS} requests per page and person`,
      ...rows,
      '',
    ].join('\n')
  )
} finally {
  await web.stop()
  await redis.flushdb()
  await app.terminate()
  if (!process.env.BENCH_KEEP) await removeSqliteFile()
}

async function timed(path: string, headers: Record<string, string>) {
  const started = performance.now()
  const response = await fetch(`${base}${path}`, { headers, redirect: 'manual' })
  await response.arrayBuffer()
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}`)
  return performance.now() - started
}

function ms(value: number) {
  return `${value.toFixed(1)} ms`.padStart(9)
}

async function nextId(table: string) {
  const row = await db.from(table).max('id as max').first()
  return Number(row?.max ?? 0) + 1
}

/**
 * The same content in both measured workspaces.
 */
async function fillWorkspace(tenantId: number) {
  const now = sqlTime()
  await insertChunks('clients', CLIENTS, (i) => ({
    tenant_id: tenantId,
    email: `client-${tenantId}-${i}@example.com`,
    full_name: `Client ${i}`,
    created_at: now,
    updated_at: now,
  }))
  const messageIds: number[] = []
  for (let i = 1; i <= 20; i++) {
    const [row] = await db
      .table('messages')
      .insert({
        tenant_id: tenantId,
        subject: `Subject ${i}`,
        body_text: 'Hello',
        created_at: now,
        updated_at: now,
      })
      .returning('id')
    messageIds.push(typeof row === 'object' ? row.id : row)
  }
  for (let i = 1; i <= 20; i++) {
    await db.table('mailings').insert({
      tenant_id: tenantId,
      message_id: messageIds[i - 1],
      name: `Mailing ${i}`,
      audience: 'all',
      periodicity: 'once',
      status: 'created',
      start_at: now,
      end_at: now,
      created_at: now,
      updated_at: now,
    })
  }
}

/**
 * The team member's workspace gets MEMBERS - 1 colleagues; they join
 * WORKSPACES - 1 more workspaces of MEMBERS members each.
 */
async function buildTeams(userId: number, homeTenantId: number) {
  const now = sqlTime()
  const colleagues = WORKSPACES * MEMBERS
  const { default: hash } = await import('@adonisjs/core/services/hash')
  const password = await hash.use('scrypt').make(BENCH_PASSWORD)
  const firstColleague = await nextId('users')
  await insertChunks('users', colleagues, (i) => ({
    tenant_id: homeTenantId,
    full_name: `Colleague ${i}`,
    email: `colleague-${i}-${Date.now()}@example.com`,
    password,
    role: 'user',
    email_verified_at: now,
    created_at: now,
    updated_at: now,
  }))
  const firstTenant = await nextId('tenants')
  await insertChunks('tenants', WORKSPACES - 1, (i) => ({
    name: `Team workspace ${i}`,
    time_zone: 'UTC',
    created_at: now,
    updated_at: now,
  }))
  const tenants = [
    homeTenantId,
    ...Array.from({ length: WORKSPACES - 1 }, (_, i) => firstTenant + i),
  ]
  const rows: Record<string, unknown>[] = []
  tenants.forEach((tenantId, t) => {
    if (tenantId !== homeTenantId) {
      rows.push({
        tenant_id: tenantId,
        user_id: userId,
        role: 'editor',
        created_at: now,
        updated_at: now,
      })
    }
    for (let m = 0; m < MEMBERS - 1; m++) {
      rows.push({
        tenant_id: tenantId,
        user_id: firstColleague + t * MEMBERS + m,
        role: m === 0 ? 'owner' : 'editor',
        created_at: now,
        updated_at: now,
      })
    }
  })
  await insertChunks('memberships', rows.length, (i) => rows[i - 1])
}
