import { DateTime } from 'luxon'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import type Tenant from '#models/tenant'
import AttributeDefinition from '#models/attribute_definition'
import type { AttributeType } from '#models/attribute_definition'
import Tag from '#models/tag'
import { addTagsToClients } from '#audiences/client_tags'
import { compileSegment, segmentContextOf } from '#audiences/segment_sql'
import {
  OPERATORS_BY_TYPE,
  type SegmentCondition,
  type SegmentDefinition,
} from '#audiences/segment_definition'
import { sqlTime } from '#services/database/sql_time'
import { createUser } from '#tests/helpers/users'

/*
 * Every operator of every field type, compiled to SQL and run by the
 * database, against the same condition evaluated here in plain JavaScript
 * over the same generated clients: the two must pick exactly the same
 * clients. Run once on SQLite and once on PostgreSQL.
 */

const TIME_ZONE = 'America/New_York'

type Attributes = Record<string, unknown>

interface Generated {
  id: number
  attributes: Attributes
  tagIds: Set<number>
  state: 'subscribed' | 'pending' | 'unsubscribed'
  createdAt: DateTime
}

/**
 * A small deterministic generator: the same clients every run.
 */
function random(seed: number) {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
    return state / 2_147_483_648
  }
}

/**
 * With accented letters in both cases: the databases fold them alike
 * (PostgreSQL's lower()/ILIKE, SQLite's unicode_lower()), as
 * String.prototype.toLowerCase does here.
 */
const TEXTS = [
  'Paris',
  'paris',
  'PARIS',
  'Lyon',
  'Saint-Denis',
  '100% Paris',
  'a_b',
  'ab',
  'Zoë',
  'ZOË',
  'Élise',
  'élise',
  '',
]
const NUMBERS = [-3, 0, 0.5, 1, 7, 12, 12.5, 1000]
const DATES = ['2025-12-31', '2026-01-01', '2026-01-02', '2026-03-15', '2030-06-30']
const PLANS = ['Free', 'Pro', 'Team']

async function generate(tenant: Tenant, tagIds: number[]) {
  const next = random(42)
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)]
  const maybe = (value: () => unknown) => (next() < 0.25 ? undefined : value())
  // Creation times around midnight in New York, on both sides of UTC's.
  const base = DateTime.fromISO('2026-01-01T00:00:00', { zone: TIME_ZONE })

  const rows = Array.from({ length: 160 }, (_, i) => {
    const attributes: Attributes = {}
    const set = (key: string, value: unknown) => {
      if (value !== undefined) attributes[key] = value
    }
    set(
      'city',
      maybe(() => pick(TEXTS))
    )
    // A few numbers stored as text (a definition whose type changed since):
    // no number condition may match them, and PostgreSQL must not fail.
    set(
      'score',
      maybe(() => (next() < 0.1 ? '12' : pick(NUMBERS)))
    )
    set(
      'birthday',
      maybe(() => pick(DATES))
    )
    set(
      'vip',
      maybe(() => next() < 0.5)
    )
    set(
      'plan',
      maybe(() => pick(PLANS))
    )
    if (next() < 0.05) attributes.city = null
    const state = pick(['subscribed', 'subscribed', 'pending', 'unsubscribed'] as const)
    const createdAt = base.plus({ hours: Math.floor(next() * 96) - 48, minutes: i })
    return { i, attributes, state, createdAt }
  })

  const now = sqlTime()
  const ids: number[] = []
  for (const row of rows) {
    const [inserted] = await db
      .table('clients')
      .insert({
        tenant_id: tenant.id,
        email: `segment-${tenant.id}-${row.i}@example.com`,
        full_name: `Client ${row.i}`,
        attributes: JSON.stringify(row.attributes),
        unsubscribed_at: row.state === 'unsubscribed' ? now : null,
        pending_at: row.state === 'pending' ? now : null,
        created_at: sqlTime(row.createdAt),
        updated_at: now,
      })
      .returning('id')
    ids.push(Number((inserted as any)?.id ?? inserted))
  }

  const clients: Generated[] = rows.map((row, index) => ({
    id: ids[index],
    attributes: row.attributes,
    state: row.state,
    createdAt: row.createdAt,
    tagIds: new Set(tagIds.filter(() => next() < 0.4)),
  }))
  for (const tagId of tagIds) {
    const tagged = clients.filter((client) => client.tagIds.has(tagId)).map((c) => c.id)
    await addTagsToClients([tagId], tagged)
  }
  return clients
}

/**
 * The rule book, written again the plain way.
 */
function matches(client: Generated, condition: SegmentCondition, types: Map<string, string>) {
  switch (condition.field) {
    case 'tags': {
      const has = condition.tagIds.map((id) => client.tagIds.has(id))
      if (condition.op === 'any') return has.some(Boolean)
      if (condition.op === 'all') return has.every(Boolean)
      return !has.some(Boolean)
    }
    case 'state':
      return condition.op === 'is'
        ? client.state === condition.value
        : client.state !== condition.value
    case 'created': {
      const day = client.createdAt.setZone(TIME_ZONE).toISODate()!
      return condition.op === 'before' ? day < condition.value : day > condition.value
    }
    case 'attribute': {
      const type = types.get(condition.key)
      if (!type) return false
      const value = client.attributes[condition.key]
      const empty = value === undefined || value === null || value === ''
      if (condition.op === 'empty') return empty
      if (condition.op === 'not_empty') return !empty
      const wanted = condition.value
      const text = typeof value === 'string' ? value.toLowerCase() : null
      const equal = () => {
        if (type === 'text' || type === 'choice') {
          return text !== null && text === String(wanted).toLowerCase()
        }
        if (type === 'number') return typeof value === 'number' && value === wanted
        return value === wanted
      }
      switch (condition.op) {
        case 'eq':
          return equal()
        case 'neq':
          return !equal()
        case 'contains':
          return text !== null && text.includes(String(wanted).toLowerCase())
        case 'lt':
          return typeof value === 'number' && value < (wanted as number)
        case 'gt':
          return typeof value === 'number' && value > (wanted as number)
        case 'before':
          return typeof value === 'string' && value < (wanted as string)
        case 'after':
          return typeof value === 'string' && value > (wanted as string)
      }
      return false
    }
  }
}

/**
 * The values each operator is tried with, per type.
 */
const VALUES: Record<AttributeType, (string | number | boolean)[]> = {
  text: [
    'paris',
    'PARIS',
    'Lyon',
    '%',
    '_',
    'a_b',
    '100%',
    'nowhere',
    'Saint',
    'Zoë',
    'zoË',
    'ÉLISE',
    'élise',
    'Ë',
  ],
  number: [0, 1, 7, 12, 12.5, -3, 999],
  date: ['2026-01-01', '2026-01-02', '2025-12-31', '2027-01-01'],
  boolean: [true, false],
  choice: ['Pro', 'free', 'Team'],
}
const KEYS: Record<AttributeType, string> = {
  text: 'city',
  number: 'score',
  date: 'birthday',
  boolean: 'vip',
  choice: 'plan',
}

test.group('Segments: the SQL compiler against a plain evaluation', (group) => {
  let tenant: Tenant
  let clients: Generated[]
  let tags: Tag[]
  let foreignTag: Tag
  let types: Map<string, string>

  group.setup(async () => {
    const owner = await createUser()
    tenant = owner.tenant
    tenant.timeZone = TIME_ZONE
    await tenant.save()
    for (const [type, key] of Object.entries(KEYS)) {
      await AttributeDefinition.create({
        tenantId: tenant.id,
        key,
        label: key,
        type: type as AttributeType,
        choices: type === 'choice' ? PLANS : null,
      })
    }
    types = new Map(Object.entries(KEYS).map(([type, key]) => [key, type]))
    tags = await Tag.createMany(
      ['vip', 'newsletter', 'trial'].map((name) => ({ tenantId: tenant.id, name }))
    )
    clients = await generate(
      tenant,
      tags.map((tag) => tag.id)
    )
    const other = await createUser()
    foreignTag = await Tag.create({ tenantId: other.tenant.id, name: 'vip' })
    // The other workspace has clients with the same tag name and attributes.
    await generate(other.tenant, [foreignTag.id])
  })

  async function evaluate(definition: SegmentDefinition) {
    const context = await segmentContextOf(tenant)
    const { sql, bindings } = compileSegment(definition, context)
    const rows = await db
      .from('clients as c')
      .where('c.tenant_id', tenant.id)
      .whereRaw(sql, bindings)
      .select('c.id')
      .orderBy('c.id')
    return rows.map((row) => Number(row.id))
  }

  function expected(definition: SegmentDefinition) {
    return clients
      .filter((client) => {
        const results = definition.conditions.map((condition) => matches(client, condition, types))
        return definition.match === 'all' ? results.every(Boolean) : results.some(Boolean)
      })
      .map((client) => client.id)
      .sort((a, b) => a - b)
  }

  function conditionsOfEveryKind(): SegmentCondition[] {
    const conditions: SegmentCondition[] = []
    for (const [type, operators] of Object.entries(OPERATORS_BY_TYPE)) {
      const key = KEYS[type as AttributeType]
      for (const op of operators) {
        if (op === 'empty' || op === 'not_empty') {
          conditions.push({ field: 'attribute', key, op })
          continue
        }
        for (const value of VALUES[type as AttributeType]) {
          conditions.push({ field: 'attribute', key, op, value })
        }
      }
    }
    const [vip, newsletter, trial] = tags.map((tag) => tag.id)
    for (const op of ['any', 'all', 'none'] as const) {
      for (const tagIds of [[vip], [vip, newsletter], [newsletter, trial, vip]]) {
        conditions.push({ field: 'tags', op, tagIds })
      }
    }
    for (const op of ['is', 'is_not'] as const) {
      for (const value of ['subscribed', 'pending', 'unsubscribed'] as const) {
        conditions.push({ field: 'state', op, value })
      }
    }
    for (const op of ['before', 'after'] as const) {
      for (const value of ['2025-12-31', '2026-01-01', '2026-01-02']) {
        conditions.push({ field: 'created', op, value })
      }
    }
    return conditions
  }

  test('each operator of each type picks the same clients as the plain evaluation', async ({
    assert,
  }) => {
    const conditions = conditionsOfEveryKind()
    assert.isAbove(conditions.length, 80)
    for (const condition of conditions) {
      const definition: SegmentDefinition = { match: 'all', conditions: [condition] }
      const want = expected(definition)
      assert.deepEqual(await evaluate(definition), want, JSON.stringify(condition))
    }
    // The table is not trivially empty or full.
    const sizes = await Promise.all(
      conditions.map(
        async (condition) => expected({ match: 'all', conditions: [condition] }).length
      )
    )
    assert.isTrue(sizes.some((size) => size > 0 && size < clients.length))
  })

  test('conditions combine with all and any', async ({ assert }) => {
    const conditions = conditionsOfEveryKind()
    const next = random(7)
    for (let round = 0; round < 40; round++) {
      const picked = Array.from(
        { length: 2 + Math.floor(next() * 3) },
        () => conditions[Math.floor(next() * conditions.length)]
      )
      for (const match of ['all', 'any'] as const) {
        const definition: SegmentDefinition = { match, conditions: picked }
        assert.deepEqual(
          await evaluate(definition),
          expected(definition),
          JSON.stringify(definition)
        )
      }
    }
  })

  test('≠ includes the clients without a value', async ({ assert }) => {
    const without = clients.filter((client) => client.attributes.city === undefined)
    assert.isAbove(without.length, 0)
    const ids = await evaluate({
      match: 'all',
      conditions: [{ field: 'attribute', key: 'city', op: 'neq', value: 'Paris' }],
    })
    for (const client of without) assert.include(ids, client.id)
  })

  test('an unknown attribute or another workspace’s tag matches nobody, even negated', async ({
    assert,
  }) => {
    const nobody: SegmentCondition[] = [
      { field: 'attribute', key: 'nonexistent', op: 'empty' },
      { field: 'attribute', key: 'nonexistent', op: 'neq', value: 'x' },
      { field: 'tags', op: 'none', tagIds: [foreignTag.id] },
      { field: 'tags', op: 'any', tagIds: [foreignTag.id] },
      { field: 'tags', op: 'none', tagIds: [tags[0].id, foreignTag.id] },
      { field: 'tags', op: 'all', tagIds: [] },
    ]
    for (const condition of nobody) {
      assert.deepEqual(
        await evaluate({ match: 'all', conditions: [condition] }),
        [],
        JSON.stringify(condition)
      )
    }
  })

  test('values travel as bindings, never as SQL', async ({ assert }) => {
    const hostile = "x') OR 1=1 --"
    const context = await segmentContextOf(tenant)
    const { sql, bindings } = compileSegment(
      {
        match: 'any',
        conditions: [
          { field: 'attribute', key: 'city', op: 'contains', value: hostile },
          { field: 'attribute', key: 'city', op: 'eq', value: hostile },
          { field: 'created', op: 'before', value: '2026-01-01' },
        ],
      },
      context
    )
    assert.notInclude(sql, hostile)
    assert.notInclude(sql, "x'")
    assert.isTrue(bindings.some((binding) => String(binding).includes(hostile)))
  })
})
