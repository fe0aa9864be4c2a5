import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import { parse } from 'csv-parse/sync'
import { DateTime } from 'luxon'
import type User from '#models/user'
import { createUser } from '#tests/helpers/users'
import { api, createToken } from '#tests/helpers/api'
import {
  clientEmailsOf,
  insertClients,
  removeUploads,
  writeUpload,
} from '#tests/functional/clients/helpers'
import { postForm } from '#tests/helpers/forms'
import { createTag, segmentOnTag, tagClients } from '#tests/functional/clients/audience_helpers'
import { defineAttributes } from '#tests/helpers/client_audience'

/**
 * Downloads one user's export and uploads it to another's import.
 */
async function exportThenImport(client: ApiClient, from: User, to: User) {
  const exported = await client.get('/clients/export').loginAs(from)
  const path = await writeUpload('export.csv', exported.text())
  return postForm(client, '/clients/import').file('file', path).loginAs(to)
}

test.group('Clients: CSV export', (group) => {
  group.teardown(removeUploads)

  test('downloads every client as UTF-8 CSV with a header row', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    await insertClients(tenant, [
      {
        email: 'quoted@example.com',
        fullName: 'Doe, "Johnny"',
        comment: 'Line one\nline two',
        createdAt: '2026-02-03 04:05:06',
      },
    ])
    await tenant.related('clients').create({
      email: 'gone@example.com',
      fullName: 'Gone',
      unsubscribedAt: DateTime.fromISO('2026-04-05T06:07:08Z'),
    })

    const response = await client.get('/clients/export').qs({ sort: 'email' }).loginAs(user)

    response.assertStatus(200)
    assert.match(response.header('content-type') ?? '', /^text\/csv; charset=utf-8/)
    assert.match(
      response.header('content-disposition') ?? '',
      /^attachment; filename="clients-\d{4}-\d{2}-\d{2}\.csv"$/
    )
    const text = response.text()
    assert.isTrue(
      text.startsWith('\uFEFFemail,full_name,comment,state,unsubscribed_at,created_at,tags\n')
    )

    const rows = parse(text, { bom: true, columns: true }) as Record<string, string>[]
    assert.lengthOf(rows, 2)
    assert.deepInclude(rows[0], {
      email: 'gone@example.com',
      full_name: 'Gone',
      comment: '',
      state: 'unsubscribed',
      unsubscribed_at: '2026-04-05T06:07:08Z',
    })
    assert.deepEqual(rows[1], {
      email: 'quoted@example.com',
      full_name: 'Doe, "Johnny"',
      comment: 'Line one\nline two',
      state: 'subscribed',
      unsubscribed_at: '',
      created_at: '2026-02-03T04:05:06Z',
      tags: '',
    })
  })

  test('exports what the list shows: the search and the sort', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    await insertClients(tenant, [
      { email: 'b-shop@example.com', fullName: 'Bee' },
      { email: 'a-shop@example.com', fullName: 'Ay' },
      { email: 'other@example.com', fullName: 'Other' },
    ])

    const response = await client
      .get('/clients/export')
      .qs({ q: 'shop', sort: 'email', dir: 'desc' })
      .loginAs(user)
    const rows = parse(response.text(), { bom: true, columns: true }) as { email: string }[]
    assert.deepEqual(
      rows.map((row) => row.email),
      ['b-shop@example.com', 'a-shop@example.com']
    )
  })

  test('exports what the list shows: its tag, segment and state filters', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const [ada, , cy] = await tenant.related('clients').createMany([
      { email: 'ada@example.com', fullName: 'Ada' },
      { email: 'bob@example.com', fullName: 'Bob' },
      { email: 'cy@example.com', fullName: 'Cy', unsubscribedAt: DateTime.now() },
    ])
    const vip = await createTag(tenant, 'vip')
    await tagClients(vip, [ada, cy])
    const segment = await segmentOnTag(tenant, vip, 'VIPs')
    const exported = async (qs: Record<string, unknown>) => {
      const response = await client.get('/clients/export').qs(qs).loginAs(user)
      response.assertStatus(200)
      const rows = parse(response.text(), { bom: true, columns: true }) as { email: string }[]
      return rows.map((row) => row.email).sort()
    }

    assert.deepEqual(await exported({ tag: vip.id }), [ada.email, cy.email])
    assert.deepEqual(await exported({ segment: segment.id, state: 'subscribed' }), [ada.email])
    assert.deepEqual(await exported({ state: 'unsubscribed' }), [cy.email])
    assert.lengthOf(await exported({}), 3)

    // Another workspace's segment is not found, as in the list.
    const other = await createUser()
    const theirs = await segmentOnTag(other.tenant, await createTag(other.tenant, 'x'), 'Theirs')
    const foreign = await client.get('/clients/export').qs({ segment: theirs.id }).loginAs(user)
    foreign.assertStatus(404)
  })

  test('streams a list longer than one chunk, every client once', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const emails = Array.from(
      { length: 2_345 },
      (_, index) => `bulk-${String(index).padStart(4, '0')}@example.com`
    )
    // One creation time for all: the chunks must get past the ties.
    await insertClients(
      tenant,
      emails.map((email) => ({ email, createdAt: '2026-01-01 00:00:00' }))
    )

    const response = await client.get('/clients/export').loginAs(user)
    const rows = parse(response.text(), { bom: true, columns: true }) as { email: string }[]
    assert.lengthOf(rows, emails.length)
    assert.sameMembers(
      rows.map((row) => row.email),
      emails
    )
  })

  test('neutralises cells a spreadsheet would run as formulas', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    await insertClients(tenant, [
      { email: 'formula@example.com', fullName: '=HYPERLINK("http://evil")', comment: '+1 555' },
    ])

    const response = await client.get('/clients/export').loginAs(user)
    const [row] = parse(response.text(), { bom: true, columns: true }) as Record<string, string>[]
    assert.equal(row.full_name, `'=HYPERLINK("http://evil")`)
    assert.equal(row.comment, `'+1 555`)
  })

  test('an export imports back into another workspace as the same clients', async ({
    client,
    assert,
  }) => {
    const source = await createUser()
    const target = await createUser()
    await insertClients(source.tenant, [
      { email: 'one@example.com', fullName: 'One; with semicolon', comment: 'multi\nline' },
      { email: 'two@example.com', fullName: 'Two, with comma' },
    ])

    const imported = await exportThenImport(client, source.user, target.user)
    imported.assertStatus(200)

    assert.deepEqual(await clientEmailsOf(target.tenant), ['one@example.com', 'two@example.com'])
    const copy = await target.tenant
      .related('clients')
      .query()
      .where('email', 'one@example.com')
      .firstOrFail()
    assert.equal(copy.fullName, 'One; with semicolon')
    assert.equal(copy.comment, 'multi\nline')
  })

  test('the state column informs and is never read back: states come from the workspace, an attribute named state from its own column', async ({
    client,
    assert,
  }) => {
    const source = await createUser()
    const target = await createUser()
    const stateAttribute = [{ key: 'state', label: 'US state', type: 'text' as const }]
    await defineAttributes(source.tenant, stateAttribute)
    await defineAttributes(target.tenant, stateAttribute)
    await source.tenant.related('clients').createMany([
      { email: 'sub@example.com', attributes: { state: 'Ohio' } },
      { email: 'pending@example.com', pendingAt: DateTime.utc() },
      { email: 'gone@example.com', unsubscribedAt: DateTime.utc() },
    ])
    // Already in the target: a pending and an unsubscribed client stay so.
    await target.tenant.related('clients').createMany([
      { email: 'sub@example.com', pendingAt: DateTime.utc() },
      { email: 'gone@example.com', unsubscribedAt: DateTime.utc() },
    ])

    const exported = await client.get('/clients/export').qs({ sort: 'email' }).loginAs(source.user)
    const rows = parse(exported.text(), { bom: true, columns: true }) as Record<string, string>[]
    assert.deepEqual(
      rows.map((row) => [row.email, row.state, row['attributes.state']]),
      [
        ['gone@example.com', 'unsubscribed', ''],
        ['pending@example.com', 'pending', ''],
        ['sub@example.com', 'subscribed', 'Ohio'],
      ]
    )

    const imported = await exportThenImport(client, source.user, target.user)
    imported.assertStatus(200)
    imported.assertTextIncludes('Ignored columns: state, unsubscribed_at, created_at.')
    const copies = await target.tenant.related('clients').query().orderBy('email')
    assert.deepEqual(
      copies.map((copy) => [copy.email, copy.state, copy.attributes]),
      [
        ['gone@example.com', 'unsubscribed', {}],
        // A new client from a file is subscribed, whatever the cell said.
        ['pending@example.com', 'subscribed', {}],
        // The business's import vouches for a pending client, as any of its writes.
        ['sub@example.com', 'subscribed', { state: 'Ohio' }],
      ]
    )
  })

  test('neutralises every text cell, the email included, and leaves normal ones alone', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    // The finding: the API accepts this address, and the export gave it raw.
    const created = await api(client, await createToken(user)).post('/clients', {
      email: "=cmd|'/Ccalc'!A0@x.test",
    })
    created.assertStatus(201)
    await insertClients(tenant, [
      { email: '+1@x.test', fullName: '@SUM(A1:A9)', comment: '-2+3' },
      { email: '@at@x.test', fullName: '\tTabbed', comment: '\rReturn' },
      { email: '-dash@x.test', fullName: "'=already quoted", comment: "''+twice" },
      { email: 'plain@x.test', fullName: "Ada O'Brien", comment: 'Call on Monday - 10:00 = fine' },
    ])

    const response = await client.get('/clients/export').qs({ sort: 'email' }).loginAs(user)
    const rows = parse(response.text(), { bom: true, columns: true }) as Record<string, string>[]
    const cells = rows.map(({ email, full_name: name, comment }) => [email, name, comment])

    assert.deepEqual(cells, [
      ["'+1@x.test", "'@SUM(A1:A9)", "'-2+3"],
      ["'-dash@x.test", "''=already quoted", "'''+twice"],
      // Stored lower-cased, as every address.
      ["'=cmd|'/ccalc'!a0@x.test", '', ''],
      ["'@at@x.test", "'\tTabbed", "'\rReturn"],
      ['plain@x.test', "Ada O'Brien", 'Call on Monday - 10:00 = fine'],
    ])
  })

  test('an export with neutralised cells imports back as the values it had', async ({
    client,
    assert,
  }) => {
    const source = await createUser()
    const target = await createUser()
    const clients = [
      {
        email: "=cmd|'/ccalc'!a0@x.test",
        fullName: '=HYPERLINK("http://evil")',
        comment: '+1 555',
      },
      { email: '-dash@x.test', fullName: "'=already quoted", comment: '@mention' },
      { email: 'plain@x.test', fullName: "Ada O'Brien", comment: 'Normal, "quoted" text' },
    ]
    await insertClients(source.tenant, clients)

    const imported = await exportThenImport(client, source.user, target.user)
    imported.assertStatus(200)

    const copies = await target.tenant.related('clients').query().orderBy('email')
    assert.deepEqual(
      copies.map(({ email, fullName, comment }) => ({ email, fullName, comment })),
      [...clients].sort((a, b) => (a.email < b.email ? -1 : 1))
    )
  })
})
