import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import emitter from '@adonisjs/core/services/emitter'
import Client from '#models/client'
import Tag from '#models/tag'
import { MAX_TAGS_PER_WORKSPACE } from '#audiences/client_tags'
import { createUser } from '#tests/helpers/users'
import { createClients } from '#tests/helpers/workspace'
import { api, createToken, statusOf } from '#tests/helpers/api'
import { defineAttributes, tagClients } from '#tests/helpers/client_audience'
import { tagNamesOf } from '#tests/functional/clients/audience_helpers'

type FieldError = { field: string; rule: string; message: string }

function fieldsOf(errors: FieldError[]) {
  return errors.map(({ field, rule }) => [field, rule])
}

async function countOf(table: string, tenantId: number) {
  const [{ n }] = await db.from(table).where('tenant_id', tenantId).count('* as n')
  return Number(n)
}

/**
 * Fills a workspace's tags up to its limit, less `room`.
 */
async function fillTags(tenantId: number, room: number) {
  const now = new Date()
  const rows = Array.from({ length: MAX_TAGS_PER_WORKSPACE - room }, (_, i) => ({
    tenant_id: tenantId,
    name: `filler ${i}`,
    name_key: `filler ${i}`,
    is_topic: false,
    created_at: now,
    updated_at: now,
  }))
  for (let start = 0; start < rows.length; start += 100) {
    await db.table('tags').multiInsert(rows.slice(start, start + 100))
  }
}

test.group('API: client tags and attributes', () => {
  test('create and update take tags by name and typed attributes; reads show them', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await defineAttributes(tenant)
    await Tag.create({ tenantId: tenant.id, name: 'VIP', isTopic: false })
    const calls = api(client, await createToken(user))

    const created = await calls.post('/clients', {
      email: 'ada@example.com',
      add_tags: ['vip', 'Newsletter', 'newsletter'],
      attributes: { company: ' Engines Ltd ', seats: '12', renewal: '2026-09-30', plan: 'pro' },
    })
    created.assertStatus(201)
    assert.deepEqual(created.body().tags, ['Newsletter', 'VIP'])
    assert.deepEqual(created.body().attributes, {
      company: 'Engines Ltd',
      seats: 12,
      renewal: '2026-09-30',
      plan: 'Pro',
    })
    assert.equal(created.body().state, 'subscribed')
    // The existing tag is reused whatever its case; the new one is created once.
    const tags = await Tag.query().where('tenant_id', tenant.id).orderBy('name_key')
    assert.deepEqual(
      tags.map((t) => t.name),
      ['Newsletter', 'VIP']
    )

    const id = created.body().id
    const updated = await calls.put(`/clients/${id}`, {
      email: 'ada@example.com',
      full_name: 'Ada',
      add_tags: ['Engineers'],
      remove_tags: ['VIP', 'no such tag'],
      attributes: { seats: 13, company: null, paying: true },
    })
    updated.assertStatus(200)
    assert.deepEqual(updated.body().tags, ['Engineers', 'Newsletter'])
    assert.deepEqual(updated.body().attributes, {
      seats: 13,
      renewal: '2026-09-30',
      plan: 'Pro',
      paying: true,
    })

    // Without the audience fields, an update leaves tags and attributes alone.
    const plain = await calls.put(`/clients/${id}`, { email: 'ada@example.com' })
    assert.deepEqual(plain.body().tags, ['Engineers', 'Newsletter'])
    assert.equal(plain.body().attributes.seats, 13)

    const read = await calls.get(`/clients/${id}`)
    assert.deepEqual(read.body(), plain.body())
    const list = await calls.get('/clients')
    assert.deepEqual(list.body().data[0], plain.body())
  })

  test('a wrong type, an unknown key and a bad tag name are 422 naming the field', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await defineAttributes(tenant)
    const calls = api(client, await createToken(user))

    const response = await calls.post('/clients', {
      email: 'ada@example.com',
      add_tags: ['ok', 'a,b', ''],
      remove_tags: 'vip',
      attributes: {
        seats: 'twelve',
        renewal: '30/09/2026',
        paying: 'maybe',
        plan: 'Gold',
        company: 42,
        plan2: 'x',
        nothing: null,
      },
    })
    response.assertStatus(422)
    assert.sameDeepMembers(fieldsOf(response.body().errors), [
      ['add_tags.1', 'regex'],
      ['add_tags.2', 'required'],
      ['remove_tags', 'array'],
      ['attributes.seats', 'attribute.number'],
      ['attributes.renewal', 'attribute.date'],
      ['attributes.paying', 'attribute.boolean'],
      ['attributes.plan', 'attribute.choice'],
      ['attributes.company', 'attribute.text'],
      ['attributes.plan2', 'attribute.unknown'],
      ['attributes.nothing', 'attribute.unknown'],
    ])
    const plan = response.body().errors.find((e: FieldError) => e.field === 'attributes.plan')
    assert.equal(plan.message, 'Plan must be one of: Free, Pro')
    assert.equal(await countOf('clients', tenant.id), 0)
    assert.equal(await countOf('tags', tenant.id), 0)

    const notAnObject = await calls.post('/clients', { email: 'b@example.com', attributes: [1] })
    assert.deepEqual(fieldsOf(notAnObject.body().errors), [['attributes', 'object']])
  })

  test('hostile tag names and values are stored as sent and come back as data', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await defineAttributes(tenant)
    const calls = api(client, await createToken(user))
    const hostile = `<script>alert(1)</script>' OR 1=1 --`

    const created = await calls.post('/clients', {
      email: 'ada@example.com',
      add_tags: [hostile, 'Ünïcødé 🚀'],
      attributes: { company: `${hostile} "}{` },
    })
    created.assertStatus(201)
    assert.deepEqual(created.body().tags, [hostile, 'Ünïcødé 🚀'])
    assert.equal(created.body().attributes.company, `${hostile} "}{`)

    // A `__proto__` key is dropped by the JSON parser: nothing reaches any object's prototype.
    const prototype = await calls.post(
      '/clients',
      JSON.parse('{"email":"b@example.com","attributes":{"__proto__":{"company":"x"}}}')
    )
    prototype.assertStatus(201)
    assert.deepEqual(prototype.body().attributes, {})
    assert.isUndefined(({} as Record<string, unknown>).company)
  })

  test('new tags past the workspace limit are refused with add_tags; existing ones still work', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await fillTags(tenant.id, 1)
    await Tag.create({ tenantId: tenant.id, name: 'VIP', isTopic: false })
    const calls = api(client, await createToken(user))

    const refused = await calls.post('/clients', { email: 'a@example.com', add_tags: ['New one'] })
    refused.assertStatus(422)
    assert.deepEqual(fieldsOf(refused.body().errors), [['add_tags', 'tags.limit']])
    assert.match(refused.body().errors[0].message, /limit of 500 tags/)
    assert.equal(await countOf('clients', tenant.id), 0)

    const accepted = await calls.post('/clients', { email: 'a@example.com', add_tags: ['vip'] })
    accepted.assertStatus(201)
    assert.deepEqual(accepted.body().tags, ['VIP'])

    const bulk = await calls.post('/clients/bulk', {
      clients: [
        { email: 'b@example.com', add_tags: ['VIP'] },
        { email: 'c@example.com', add_tags: ['Brand new'] },
        { email: 'd@example.com' },
      ],
    })
    bulk.assertStatus(200)
    assert.deepEqual(
      bulk.body().data.map((item: { status: string }) => item.status),
      ['created', 'invalid', 'created']
    )
    assert.deepEqual(fieldsOf(bulk.body().data[1].errors), [['add_tags', 'tags.limit']])
    assert.equal(await countOf('tags', tenant.id), MAX_TAGS_PER_WORKSPACE)
  })

  test('another workspace’s clients, tags and attributes are never touched', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const other = await createUser()
    await defineAttributes(other.tenant)
    const [theirs] = await createClients(other.tenant, 1)
    await tagClients(other.tenant, ['VIP'], [theirs.id])
    const calls = api(client, await createToken(user))

    // Their attribute keys are not ours; their tag names make tags of our own.
    const unknown = await calls.post('/clients', {
      email: theirs.email,
      attributes: { company: 'x' },
    })
    assert.deepEqual(fieldsOf(unknown.body().errors), [['attributes.company', 'attribute.unknown']])

    const bulk = await calls.post('/clients/bulk', {
      clients: [{ email: theirs.email, add_tags: ['VIP'], remove_tags: ['VIP'] }],
    })
    assert.equal(bulk.body().data[0].status, 'created')
    const ours = await Client.findByOrFail({ tenantId: tenant.id, email: theirs.email })
    assert.notEqual(ours.id, theirs.id)
    assert.equal(
      await statusOf(
        calls.put(`/clients/${theirs.id}`, { email: 'x@example.com', add_tags: ['a'] })
      ),
      404
    )

    assert.deepEqual(await tagNamesOf(theirs), ['VIP'])
    const ourTags = await calls.get('/tags')
    assert.deepEqual(
      ourTags.body().data.map((t: { name: string }) => t.name),
      ['VIP']
    )
    const theirTag = await Tag.findByOrFail({ tenantId: other.tenant.id, nameKey: 'vip' })
    const [{ n }] = await db.from('client_tags').where('tag_id', theirTag.id).count('* as n')
    assert.equal(Number(n), 1)
    const ourAttributes = await calls.get('/attributes')
    assert.deepEqual(ourAttributes.body().data, [])
  })

  test('GET /tags counts clients; GET /attributes describes the definitions', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await defineAttributes(tenant)
    const clients = await createClients(tenant, 3)
    await tagClients(tenant, ['VIP'], [clients[0].id, clients[1].id])
    await tagClients(tenant, ['alpha'], [])
    const reader = api(client, await createToken(user, ['clients:read']))
    const writer = api(client, await createToken(user, ['clients:write']))

    const tags = await reader.get('/tags')
    tags.assertStatus(200)
    assert.deepEqual(
      tags
        .body()
        .data.map((t: { name: string; client_count: number; is_topic: boolean }) => [
          t.name,
          t.client_count,
          t.is_topic,
        ]),
      [
        ['alpha', 0, false],
        ['VIP', 2, false],
      ]
    )
    assert.isNull(tags.body().next_cursor)

    const attributes = await reader.get('/attributes')
    assert.deepEqual(attributes.body().data, [
      { key: 'company', label: 'Company', type: 'text', choices: null },
      { key: 'paying', label: 'Paying', type: 'boolean', choices: null },
      { key: 'plan', label: 'Plan', type: 'choice', choices: ['Free', 'Pro'] },
      { key: 'renewal', label: 'Renewal date', type: 'date', choices: null },
      { key: 'seats', label: 'Seats', type: 'number', choices: null },
    ])

    assert.equal(await statusOf(writer.get('/tags')), 403)
    assert.equal(await statusOf(writer.get('/attributes')), 403)
  })
})

test.group('API: bulk upsert with tags and attributes', () => {
  test('adds and removes tags, merges attributes, and says unchanged when nothing changes', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await defineAttributes(tenant)
    const [known] = await createClients(tenant, 1)
    known.attributes = { company: 'Old Co', seats: 3 }
    await known.save()
    await tagClients(tenant, ['Trial', 'VIP'], [known.id])
    const calls = api(client, await createToken(user))

    const items = [
      {
        email: known.email,
        add_tags: ['Customer'],
        remove_tags: ['trial'],
        attributes: { seats: 4, plan: 'free', company: '' },
      },
      { email: 'new@example.com', add_tags: ['Customer', 'VIP'], attributes: { paying: 'yes' } },
      { email: 'bad@example.com', attributes: { seats: 'many', unknown_key: 1 } },
      { email: 'plain@example.com' },
    ]
    const first = await calls.post('/clients/bulk', { clients: items })
    first.assertStatus(200)
    assert.deepEqual(
      first.body().data.map((item: { status: string }) => item.status),
      ['updated', 'created', 'invalid', 'created']
    )
    assert.deepEqual(fieldsOf(first.body().data[2].errors), [
      ['attributes.seats', 'attribute.number'],
      ['attributes.unknown_key', 'attribute.unknown'],
    ])

    await known.refresh()
    assert.deepEqual(known.attributes, { seats: 4, plan: 'Free' })
    assert.deepEqual(await tagNamesOf(known), ['Customer', 'VIP'])
    const created = await Client.findByOrFail({ tenantId: tenant.id, email: 'new@example.com' })
    assert.deepEqual(created.attributes, { paying: true })
    assert.deepEqual(await tagNamesOf(created), ['Customer', 'VIP'])

    const again = await calls.post('/clients/bulk', { clients: items })
    assert.deepEqual(
      again.body().data.map((item: { status: string }) => item.status),
      ['unchanged', 'unchanged', 'invalid', 'unchanged']
    )

    // Only a tag: updated, and only that tag changes.
    const tagOnly = await calls.post('/clients/bulk', {
      clients: [{ email: 'new@example.com', remove_tags: ['VIP'] }],
    })
    assert.equal(tagOnly.body().data[0].status, 'updated')
    assert.deepEqual(await tagNamesOf(created), ['Customer'])
    await created.refresh()
    assert.deepEqual(created.attributes, { paying: true })
  })

  test('1,000 items with tags and attributes are written with a constant number of statements', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await defineAttributes(tenant)
    const calls = api(client, await createToken(user))
    const items = Array.from({ length: 1000 }, (_, i) => ({
      email: `bulk-${i}@example.com`,
      add_tags: [`group ${i % 10}`, 'All'],
      attributes: { seats: i, plan: i % 2 ? 'Pro' : 'Free', renewal: '2026-01-31' },
    }))

    const queries: string[] = []
    const listener = (query: { sql: string }) => queries.push(query.sql)
    // Every query of the request, as Lucid reports them when debugging.
    const connection = db.manager.get(db.primaryConnectionName)!.config
    connection.debug = true
    emitter.on('db:query', listener)
    let response
    try {
      response = await calls.post('/clients/bulk', { clients: items })
    } finally {
      connection.debug = false
      emitter.off('db:query', listener)
    }
    response.assertStatus(200)
    assert.equal(response.body().summary.created, 1000)
    const writes = queries.filter((sql) => /client_tags|into clients|from .?tags/i.test(sql))
    assert.isBelow(writes.length, 10, writes.join('\n'))

    const counts = await db
      .from('client_tags')
      .join('tags', 'tags.id', 'client_tags.tag_id')
      .where('tags.tenant_id', tenant.id)
      .groupBy('tags.name')
      .select('tags.name')
      .count('* as n')
    assert.equal(Number(counts.find((row) => row.name === 'All')?.n), 1000)
    assert.equal(Number(counts.find((row) => row.name === 'group 3')?.n), 100)
    const sample = await Client.findByOrFail({ tenantId: tenant.id, email: 'bulk-7@example.com' })
    assert.deepEqual(sample.attributes, { seats: 7, plan: 'Pro', renewal: '2026-01-31' })
  })
})
