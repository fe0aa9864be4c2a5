/*
|--------------------------------------------------------------------------
| Staff lists benchmark: `npm run bench:staff`
|--------------------------------------------------------------------------
|
| Fills a fresh database with BENCH_USERS users (each with a workspace and
| a message) and BENCH_MAILINGS mailings, then times the admin panel's
| lists through their real actions (ListUsers, ListAllMailings, what
| /admin/users and /admin/mailings run) next to a baseline measured in the
| same run: the bare query of one page of users (`order by id desc limit
| 51`). Also times what the users list avoids: counting each row's mailings
| with a query per row (N+1).
|
| SQLite by default, in its own file (tmp/bench.sqlite3, removed afterwards).
| On PostgreSQL: DB_CONNECTION=postgres DB_DATABASE=mailings_bench npm run bench:staff
|
| Options (environment): BENCH_USERS (20000), BENCH_MAILINGS (100000).
|
*/

import 'reflect-metadata'
import { bootBenchApp } from './helpers/boot_app.js'
import { insertChunks } from './helpers/bulk_rows.js'
import { medianOf } from './helpers/latency.js'

const USERS = Number(process.env.BENCH_USERS ?? 20_000)
const MAILINGS = Number(process.env.BENCH_MAILINGS ?? 100_000)

const { app, removeSqliteFile } = await bootBenchApp({
  sqliteFile: 'tmp/bench.sqlite3',
  postgres: true,
})

const { default: db } = await import('@adonisjs/lucid/services/db')
const { MigrationRunner } = await import('@adonisjs/lucid/migration')
const { default: ListUsers } = await import('#actions/users/list_users')
const { default: ListAllMailings } = await import('#actions/mailings/list_all_mailings')
const { sqlTime } = await import('#services/database/sql_time')
const { DateTime } = await import('luxon')

try {
  await new MigrationRunner(db, app, { direction: 'up' }).run()
  await seed()

  const baseline = await medianOf(9, () =>
    db.from('users').orderBy('id', 'desc').limit(51).select('*')
  )
  const nPlusOne = await medianOf(9, async () => {
    const users = await db.from('users').orderBy('id', 'desc').limit(50).select('id')
    for (const user of users) await db.from('mailings').where('created_by_id', user.id).count('*')
  })
  const middleId = Math.floor(USERS / 2)
  const figures: [string, number][] = [
    ['users: first page with mailings counts', await medianOf(9, () => ListUsers.handle({}))],
    ['users: a page in the middle', await medianOf(9, () => ListUsers.handle({ after: middleId }))],
    ['users: role admin (rare)', await medianOf(9, () => ListUsers.handle({ role: 'admin' }))],
    ['users: blocked', await medianOf(9, () => ListUsers.handle({ status: 'blocked' }))],
    ['users: one workspace', await medianOf(9, () => ListUsers.handle({ workspace: middleId }))],
    ['users: search matching nothing', await medianOf(5, () => ListUsers.handle({ q: 'zzzz' }))],
    ['mailings: first page', await medianOf(9, () => ListAllMailings.handle({}))],
    [
      'mailings: status disabled (rare)',
      await medianOf(9, () => ListAllMailings.handle({ status: 'disabled' })),
    ],
    [
      'mailings: one workspace',
      await medianOf(9, () => ListAllMailings.handle({ workspace: middleId })),
    ],
    [
      'mailings: one creation day',
      await medianOf(9, () => ListAllMailings.handle({ from: '2025-06-01', to: '2025-06-01' })),
    ],
    ['(avoided) users page + a count query per row', nPlusOne],
  ]

  console.log(
    [
      '',
      `Staff lists on ${db.connection().dialect.name}: ${USERS.toLocaleString('en')} users, ${MAILINGS.toLocaleString('en')} mailings`,
      `baseline: one bare page of users            ${millis(baseline)}`,
      ...figures.map(
        ([label, time]) =>
          `${label.padEnd(45)}${millis(time)}   (${(time / baseline).toFixed(1)} × baseline)`
      ),
      '',
    ].join('\n')
  )
} finally {
  await app.terminate()
  if (!process.env.BENCH_KEEP) await removeSqliteFile()
}

/**
 * Users owning a workspace (its membership) and a message each, one in 200 blocked, a few
 * staff; mailings spread over the users and over a year of creation days.
 */
async function seed() {
  const now = sqlTime()
  const roles = ['user', 'manager', 'content_manager', 'admin']
  await insertChunks('tenants', USERS, (i) => ({
    name: `Workspace ${i}`,
    time_zone: 'UTC',
    created_at: now,
    updated_at: now,
  }))
  await insertChunks('users', USERS, (i) => ({
    tenant_id: i,
    full_name: `Person ${i}`,
    email: `person-${i}@example.com`,
    password: 'not-a-hash',
    role: i % 1000 === 0 ? roles[(i / 1000) % 4] : 'user',
    blocked_at: i % 200 === 0 ? now : null,
    created_at: now,
    updated_at: now,
  }))
  await insertChunks('memberships', USERS, (i) => ({
    tenant_id: i,
    user_id: i,
    role: 'owner',
    created_at: now,
    updated_at: now,
  }))
  await insertChunks('messages', USERS, (i) => ({
    tenant_id: i,
    subject: `Subject ${i}`,
    body_text: 'Hello',
    created_at: now,
    updated_at: now,
  }))
  const yearStart = DateTime.fromISO('2025-01-01T00:00:00Z')
  const statuses = ['created', 'running', 'completed', 'paused']
  await insertChunks('mailings', MAILINGS, (i) => {
    const owner = (i % USERS) + 1
    return {
      tenant_id: owner,
      message_id: owner,
      created_by_id: owner,
      name: `Mailing ${i}`,
      audience: 'all',
      periodicity: 'once',
      start_at: now,
      end_at: now,
      status: i % 5000 === 0 ? 'disabled' : statuses[i % 4],
      created_at: sqlTime(yearStart.plus({ minutes: Math.floor((i * 525_600) / MAILINGS) })),
      updated_at: now,
    }
  })
}

function millis(value: number) {
  return `${value.toFixed(1).padStart(7)} ms`
}
