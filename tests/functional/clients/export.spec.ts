import { test } from '@japa/runner'
import { parse } from 'csv-parse/sync'
import { DateTime } from 'luxon'
import { createUser } from '#tests/helpers/users'
import {
  clientEmailsOf,
  insertClients,
  removeUploads,
  writeUpload,
} from '#tests/functional/clients/helpers'

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
    assert.isTrue(text.startsWith('\uFEFFemail,full_name,comment,unsubscribed_at,created_at\n'))

    const rows = parse(text, { bom: true, columns: true }) as Record<string, string>[]
    assert.lengthOf(rows, 2)
    assert.deepInclude(rows[0], {
      email: 'gone@example.com',
      full_name: 'Gone',
      comment: '',
      unsubscribed_at: '2026-04-05T06:07:08Z',
    })
    assert.deepEqual(rows[1], {
      email: 'quoted@example.com',
      full_name: 'Doe, "Johnny"',
      comment: 'Line one\nline two',
      unsubscribed_at: '',
      created_at: '2026-02-03T04:05:06Z',
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

    const exported = await client.get('/clients/export').loginAs(source.user)
    const path = await writeUpload('export.csv', exported.text())
    const imported = await client
      .post('/clients/import')
      .file('file', path)
      .loginAs(target.user)
      .withCsrfToken()
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
})
