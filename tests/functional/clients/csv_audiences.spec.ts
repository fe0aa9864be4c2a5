import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import { parse } from 'csv-parse/sync'
import db from '@adonisjs/lucid/services/db'
import Client from '#models/client'
import type Tenant from '#models/tenant'
import type User from '#models/user'
import { createUser } from '#tests/helpers/users'
import { postForm } from '#tests/helpers/forms'
import {
  reportFigures,
  reportedRows,
  removeUploads,
  writeUpload,
} from '#tests/functional/clients/helpers'
import { defineAttributes, tagClients } from '#tests/helpers/client_audience'

async function importFile(client: ApiClient, user: User, content: string) {
  const path = await writeUpload('audience.csv', content)
  return postForm(client, '/clients/import')
    .file('file', path)
    .header('referer', '/clients/import')
    .loginAs(user)
}

/**
 * Each client's tags (sorted names) and attributes, by email.
 */
async function audienceOf(tenant: Tenant) {
  const clients = await Client.query().where('tenant_id', tenant.id).orderBy('email')
  const pairs = await db
    .from('client_tags')
    .join('tags', 'tags.id', 'client_tags.tag_id')
    .where('tags.tenant_id', tenant.id)
    .orderBy('tags.name_key')
    .select('client_tags.client_id', 'tags.name')
  return Object.fromEntries(
    clients.map((c) => [
      c.email,
      {
        tags: pairs.filter((p) => Number(p.client_id) === c.id).map((p) => p.name),
        attributes: c.attributes,
      },
    ])
  )
}

test.group('Clients: CSV import and export of tags and attributes', (group) => {
  group.teardown(removeUploads)

  test('columns named after attributes (key or label) and a tags column are imported', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await defineAttributes(tenant)
    const [known] = await tenant.related('clients').createMany([
      {
        email: 'known@example.com',
        fullName: 'Known',
        attributes: { company: 'Kept', seats: 1 },
      },
    ])
    await tagClients(tenant, ['Old'], [known.id])

    const response = await importFile(
      client,
      user,
      [
        'email;COMPANY;Renewal Date;paying;plan;tags;Phone',
        'ada@example.com;Engines Ltd;2026-09-30;yes;pro;VIP, newsletter;555',
        'known@example.com;;;no;;vip;',
        'bob@example.com;;;;;;',
      ].join('\n')
    )

    response.assertStatus(200)
    assert.deepEqual(reportFigures(response.text()), {
      created: 2,
      updated: 1,
      skipped: 0,
      invalid: 0,
    })
    response.assertTextIncludes('Attributes read: Company, Renewal date, Paying, Plan.')
    response.assertTextIncludes('Ignored columns: Phone.')
    assert.deepEqual(await audienceOf(tenant), {
      'ada@example.com': {
        tags: ['newsletter', 'VIP'],
        attributes: { company: 'Engines Ltd', renewal: '2026-09-30', paying: true, plan: 'Pro' },
      },
      'bob@example.com': { tags: [], attributes: {} },
      // Empty cells keep what is saved; the tags column only adds.
      'known@example.com': {
        tags: ['Old', 'VIP'],
        attributes: { company: 'Kept', seats: 1, paying: false },
      },
    })
  })

  test('attribute errors are row errors with the line; the other rows are imported', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await defineAttributes(tenant)

    const response = await importFile(
      client,
      user,
      [
        'email,seats,renewal,plan,tags',
        'good@example.com,3,2026-01-01,Free,a',
        'bad@example.com,three,31/01/2026,Gold,b',
        `long@example.com,,,,${'x'.repeat(61)}`,
      ].join('\n')
    )

    const html = response.text()
    assert.deepEqual(reportFigures(html), { created: 1, updated: 0, skipped: 0, invalid: 2 })
    assert.deepEqual(reportedRows(html, 'invalid'), [
      {
        line: 3,
        email: 'bad@example.com',
        reason:
          'Seats must be a number. Renewal date must be a date (YYYY-MM-DD). Plan must be one of: Free, Pro',
      },
      {
        line: 4,
        email: 'long@example.com',
        reason: `The tag "${'x'.repeat(61)}" is longer than 60 characters`,
      },
    ])
    assert.deepEqual(Object.keys(await audienceOf(tenant)), ['good@example.com'])
    // The refused rows created no tag.
    const tags = await db.from('tags').where('tenant_id', tenant.id).select('name')
    assert.deepEqual(
      tags.map((tag) => tag.name),
      ['a']
    )
  })

  test('export writes tags and one column per attribute; importing it elsewhere gives the same clients', async ({
    client,
    assert,
  }) => {
    const from = await createUser()
    const to = await createUser()
    const tricky = [
      { key: 'company', label: 'Company', type: 'text' as const },
      { key: 'seats', label: 'Seats', type: 'number' as const },
      { key: 'renewal', label: 'Renewal date', type: 'date' as const },
      { key: 'paying', label: 'Paying', type: 'boolean' as const },
      // A key that alone would be read as the client's name.
      { key: 'name', label: 'Nickname', type: 'text' as const },
    ]
    await defineAttributes(from.tenant, tricky)
    await defineAttributes(to.tenant, tricky)
    const clients = await from.tenant.related('clients').createMany([
      {
        email: 'ada@example.com',
        fullName: 'Ada Lovelace',
        attributes: {
          company: '=cmd|calc, "quoted"',
          seats: -5,
          renewal: '2026-09-30',
          paying: false,
          name: 'Countess',
        },
      },
      { email: 'bob@example.com', fullName: 'Bob', attributes: { seats: 2.5, paying: true } },
      { email: 'cy@example.com', fullName: 'Cy' },
    ])
    await tagClients(from.tenant, ['VIP', 'Ünïcødé'], [clients[0].id])
    await tagClients(from.tenant, ['Newsletter'], [clients[0].id, clients[1].id])

    const exported = await client.get('/clients/export').qs({ sort: 'email' }).loginAs(from.user)
    const text = exported.text()
    assert.isTrue(
      text.startsWith(
        '\uFEFFemail,full_name,comment,state,unsubscribed_at,created_at,tags,company,attributes.name,paying,renewal,seats\n'
      )
    )
    const rows = parse(text, { bom: true, columns: true }) as Record<string, string>[]
    assert.sameMembers(rows[0].tags.split(', '), ['Newsletter', 'Ünïcødé', 'VIP'])
    assert.deepInclude(rows[0], {
      'company': `'=cmd|calc, "quoted"`,
      'seats': '-5',
      'paying': 'false',
      'attributes.name': 'Countess',
    })

    const path = await writeUpload('export.csv', text)
    const imported = await postForm(client, '/clients/import').file('file', path).loginAs(to.user)
    assert.deepEqual(reportFigures(imported.text()), {
      created: 3,
      updated: 0,
      skipped: 0,
      invalid: 0,
    })
    const names = await Client.query().where('tenant_id', to.tenant.id).orderBy('email')
    assert.deepEqual(
      names.map((c) => c.fullName),
      ['Ada Lovelace', 'Bob', 'Cy']
    )
    assert.deepEqual(await audienceOf(to.tenant), await audienceOf(from.tenant))

    // And back into the same workspace: nothing to change.
    const again = await postForm(client, '/clients/import').file('file', path).loginAs(from.user)
    assert.deepEqual(reportFigures(again.text()), {
      created: 0,
      updated: 0,
      skipped: 3,
      invalid: 0,
    })
  })
})
