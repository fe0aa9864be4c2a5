/*
|--------------------------------------------------------------------------
| Segments at 100,000 clients: `npm run bench:segments`
|--------------------------------------------------------------------------
|
| Issue 15: "Segment evaluation on 100,000 clients with attributes: under
| 1 s on SQLite and PostgreSQL", and run start for a segment audience.
|
| Fills a fresh database with one workspace of BENCH_CLIENTS clients
| (100,000) with five typed attributes (text, number, date, boolean,
| choice) in their JSON column and 20 tags (two or three per client), plus
| BENCH_OTHERS clients (100,000) of other workspaces, so the workspace is
| found among others as in production. Then times, median of 5, through
| the real code (the compiler, PreviewSegment, ListClients, StartRun):
|
| - baseline: a plain count of the workspace's clients;
| - the count of segments of each kind (the editor's live count, the
|   segments list): a tag, a text attribute contains, a number range and a
|   tag, a date and a boolean, four conditions with any, tags none and a
|   state, a choice and a creation day;
| - the editor's preview (count and the newest 10) of a rare segment;
| - the first page of the clients list filtered by a segment;
| - run start (the deliveries inserted by one INSERT … SELECT) for a
|   segment audience of about half the workspace, next to run start for
|   "all clients" (the run of the same size without a segment).
|
| Prints each time and its ratio to the baseline, and whether every
| segment count and preview stays under 1 s (exits 1 when not).
|
| SQLite by default, in its own file (tmp/bench-segments.sqlite3, removed
| afterwards). On PostgreSQL: DB_CONNECTION=postgres DB_HOST=127.0.0.1
| DB_USER=postgres DB_DATABASE=<an empty database> npm run bench:segments
|
*/

import 'reflect-metadata'
import { performance } from 'node:perf_hooks'
import { bootBenchApp } from './helpers/boot_app.js'
import { insertChunks } from './helpers/bulk_rows.js'
import { medianOf } from './helpers/latency.js'

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100_000)
const OTHERS = Number(process.env.BENCH_OTHERS ?? 100_000)
const GOAL_MS = 1000

const { app, removeSqliteFile } = await bootBenchApp({
  sqliteFile: 'tmp/bench-segments.sqlite3',
  postgres: true,
})

const { default: db } = await import('@adonisjs/lucid/services/db')
const { MigrationRunner } = await import('@adonisjs/lucid/migration')
const { DateTime } = await import('luxon')
const { default: Tenant } = await import('#models/tenant')
const { default: Mailing } = await import('#models/mailing')
const { default: Segment } = await import('#models/segment')
const { default: PreviewSegment } = await import('#actions/segments/preview_segment')
const { default: ListClients } = await import('#actions/clients/list_clients')
const { default: StartRun } = await import('#sending/start_run')
const { sqlTime } = await import('#services/database/sql_time')

let failed = false
try {
  await new MigrationRunner(db, app, { direction: 'up' }).run()
  const { tenant, tagIds } = await seed()
  const dialect = db.connection().dialect.name

  const baseline = await medianOf(5, () =>
    db.from('clients').where('tenant_id', tenant.id).count('* as total')
  )

  const segments: [string, InstanceType<typeof Segment>['definition']][] = [
    [
      'tag (has any of 1)',
      { match: 'all', conditions: [{ field: 'tags', op: 'any', tagIds: [tagIds[0]] }] },
    ],
    [
      'text contains',
      {
        match: 'all',
        conditions: [{ field: 'attribute', key: 'city', op: 'contains', value: 'ari' }],
      },
    ],
    [
      'number range + tag',
      {
        match: 'all',
        conditions: [
          { field: 'attribute', key: 'score', op: 'gt', value: 20 },
          { field: 'attribute', key: 'score', op: 'lt', value: 60 },
          { field: 'tags', op: 'all', tagIds: [tagIds[1], tagIds[2]] },
        ],
      },
    ],
    [
      'date after + boolean',
      {
        match: 'all',
        conditions: [
          { field: 'attribute', key: 'birthday', op: 'after', value: '1990-01-01' },
          { field: 'attribute', key: 'vip', op: 'eq', value: true },
        ],
      },
    ],
    [
      'any of 4 conditions',
      {
        match: 'any',
        conditions: [
          { field: 'attribute', key: 'city', op: 'eq', value: 'lyon' },
          { field: 'attribute', key: 'plan', op: 'neq', value: 'Free' },
          { field: 'tags', op: 'any', tagIds: tagIds.slice(3, 6) },
          { field: 'attribute', key: 'score', op: 'empty' },
        ],
      },
    ],
    [
      'tags none + state',
      {
        match: 'all',
        conditions: [
          { field: 'tags', op: 'none', tagIds: tagIds.slice(0, 5) },
          { field: 'state', op: 'is', value: 'subscribed' },
        ],
      },
    ],
    [
      'choice + created after',
      {
        match: 'all',
        conditions: [
          { field: 'attribute', key: 'plan', op: 'eq', value: 'team' },
          { field: 'created', op: 'after', value: '2026-01-15' },
        ],
      },
    ],
  ]

  const figures: [string, number, boolean][] = []
  for (const [label, definition] of segments) {
    const time = await medianOf(5, () => PreviewSegment.handle(tenant, definition))
    figures.push([`segment count + sample: ${label}`, time, true])
  }
  const rare = {
    match: 'all' as const,
    conditions: [{ field: 'attribute' as const, key: 'score', op: 'eq' as const, value: 99.5 }],
  }
  figures.push([
    'preview of a rare segment (scans all)',
    await medianOf(5, () => PreviewSegment.handle(tenant, rare)),
    true,
  ])

  const half = await Segment.create({
    tenantId: tenant.id,
    name: 'Half',
    definition: {
      match: 'all',
      conditions: [{ field: 'attribute', key: 'vip', op: 'eq', value: true }],
    },
  })
  figures.push([
    'clients list, first page, by segment',
    await medianOf(5, () => ListClients.handle(tenant, { segment: half })),
    false,
  ])

  const message = await tenant.related('messages').create({ subject: 'Hi', bodyText: 'Hello' })
  const startRun = async (audience: 'all' | 'segment') => {
    const mailing = await Mailing.create({
      tenantId: tenant.id,
      messageId: message.id,
      name: `Run ${audience}`,
      audience,
      segmentId: audience === 'segment' ? half.id : null,
      periodicity: 'once',
      startAt: DateTime.now().minus({ minutes: 1 }),
      endAt: DateTime.now().plus({ hours: 1 }),
      status: 'created',
    })
    const started = performance.now()
    const run = await StartRun.handle(mailing, DateTime.now(), { dispatch: false })
    const time = performance.now() - started
    return { time, total: run!.total }
  }
  const allRuns = []
  const segmentRuns = []
  for (let round = 0; round < 3; round++) {
    allRuns.push(await startRun('all'))
    segmentRuns.push(await startRun('segment'))
  }
  const median = (runs: { time: number }[]) =>
    runs.map((run) => run.time).sort((a, b) => a - b)[Math.floor(runs.length / 2)]
  const runAll = median(allRuns)
  const runSegment = median(segmentRuns)

  for (const [, time, goal] of figures) if (goal && time >= GOAL_MS) failed = true

  console.log(
    [
      '',
      `Segments on ${dialect}: ${CLIENTS.toLocaleString('en')} clients in the workspace, ${OTHERS.toLocaleString('en')} in others`,
      `baseline: count of the workspace's clients           ${millis(baseline)}`,
      ...figures.map(
        ([label, time, goal]) =>
          `${label.padEnd(52)}${millis(time)}   (${(time / baseline).toFixed(1)} × baseline)${goal ? (time < GOAL_MS ? '  under 1 s' : '  NOT under 1 s') : ''}`
      ),
      `run start, all clients (${allRuns[0].total.toLocaleString('en')} deliveries)`.padEnd(52) +
        millis(runAll),
      `run start, segment (${segmentRuns[0].total.toLocaleString('en')} deliveries)`.padEnd(52) +
        `${millis(runSegment)}   (${(runSegment / runAll).toFixed(2)} × the all-clients run)`,
      '',
    ].join('\n')
  )
} finally {
  await app.terminate()
  if (!process.env.BENCH_KEEP) await removeSqliteFile()
}
process.exitCode = failed ? 1 : 0

/**
 * The workspace and the others, their clients written in chunks, two or
 * three tags each: deterministic, so runs compare.
 */
async function seed() {
  const now = sqlTime()
  const [tenantRow] = await db
    .table('tenants')
    .insert({ name: 'Bench', time_zone: 'Europe/Paris', created_at: now, updated_at: now })
    .returning('id')
  const tenantId = Number((tenantRow as any)?.id ?? tenantRow)
  const [otherRow] = await db
    .table('tenants')
    .insert({ name: 'Others', time_zone: 'UTC', created_at: now, updated_at: now })
    .returning('id')
  const otherId = Number((otherRow as any)?.id ?? otherRow)

  const definitions = [
    ['city', 'text', null],
    ['score', 'number', null],
    ['birthday', 'date', null],
    ['vip', 'boolean', null],
    ['plan', 'choice', JSON.stringify(['Free', 'Pro', 'Team'])],
  ] as const
  await db.table('attribute_definitions').multiInsert(
    definitions.map(([key, type, choices]) => ({
      tenant_id: tenantId,
      key,
      label: key,
      type,
      choices,
      created_at: now,
      updated_at: now,
    }))
  )
  await db.table('tags').multiInsert(
    Array.from({ length: 20 }, (_, i) => ({
      tenant_id: tenantId,
      name: `Tag ${i}`,
      name_key: `tag ${i}`,
      is_topic: false,
      created_at: now,
      updated_at: now,
    }))
  )
  const tags = await db.from('tags').where('tenant_id', tenantId).orderBy('id').select('id')
  const tagIds = tags.map((row) => Number(row.id))

  const cities = ['Paris', 'Lyon', 'Marseille', 'Lille', 'Nantes', 'Bordeaux', 'Nice']
  const plans = ['Free', 'Pro', 'Team']
  const start = DateTime.fromISO('2026-01-01T00:00:00Z')
  const clientRow = (tenant: number, i: number) => {
    const attributes: Record<string, unknown> = { city: cities[i % 7], plan: plans[i % 3] }
    if (i % 10 !== 0) attributes.score = (i * 37) % 100
    if (i % 4 !== 0) attributes.birthday = `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`
    attributes.vip = i % 2 === 0
    return {
      tenant_id: tenant,
      email: `client-${tenant}-${i}@example.com`,
      full_name: `Client ${i}`,
      attributes: JSON.stringify(attributes),
      unsubscribed_at: i % 50 === 0 ? now : null,
      pending_at: i % 97 === 0 ? now : null,
      created_at: sqlTime(start.plus({ seconds: i * 30 })),
      updated_at: now,
    }
  }
  await insertChunks('clients', CLIENTS, (i) => clientRow(tenantId, i))
  await insertChunks('clients', OTHERS, (i) => clientRow(otherId, i))

  // Two or three tags a client, spread over the 20.
  const clientIds = await db.from('clients').where('tenant_id', tenantId).orderBy('id').select('id')
  const pairs: { tag_id: number; client_id: number }[] = []
  for (const [index, row] of clientIds.entries()) {
    const id = Number(row.id)
    pairs.push({ tag_id: tagIds[index % 20], client_id: id })
    pairs.push({ tag_id: tagIds[(index * 7 + 3) % 20], client_id: id })
    if (index % 3 === 0) pairs.push({ tag_id: tagIds[(index * 11 + 5) % 20], client_id: id })
  }
  const unique = [
    ...new Map(pairs.map((pair) => [`${pair.tag_id}:${pair.client_id}`, pair])).values(),
  ]
  for (let i = 0; i < unique.length; i += 500) {
    await db.table('client_tags').multiInsert(unique.slice(i, i + 500))
  }
  // Fresh statistics, as a database that has been living has them.
  await db.rawQuery('ANALYZE')

  return { tenant: await Tenant.findOrFail(tenantId), tagIds }
}

function millis(time: number) {
  return `${time.toFixed(1).padStart(8)} ms`
}
