import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import { DateTime } from 'luxon'
import Client from '#models/client'
import type User from '#models/user'
import { createUser } from '#tests/helpers/users'
import {
  clientEmailsOf,
  insertClients,
  reportFigures,
  reportedRows,
  removeUploads,
  writeUpload,
} from '#tests/functional/clients/helpers'
import { postForm } from '#tests/helpers/forms'

const BOM = '\uFEFF'

/**
 * A real file under tmp/, uploaded through the import form.
 */
async function importFile(client: ApiClient, user: User, name: string, content: string | Buffer) {
  const path = await writeUpload(name, content)
  return postForm(client, '/clients/import')
    .file('file', path)
    .header('referer', '/clients/import')
    .loginAs(user)
}

async function clientsOf(userTenant: { id: number }) {
  const clients = await Client.query().where('tenant_id', userTenant.id).orderBy('email')
  return clients.map(({ email, fullName, comment }) => ({ email, fullName, comment }))
}

test.group('Clients: CSV import', (group) => {
  group.teardown(removeUploads)

  test('the upload form renders with its limits', async ({ client }) => {
    const { user } = await createUser()
    const response = await client.get('/clients/import').loginAs(user)
    response.assertStatus(200)
    response.assertTextIncludes('enctype="multipart/form-data"')
    response.assertTextIncludes('up to 15 MB')
  })

  test('a file with a header row creates clients and shows the report', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const response = await importFile(
      client,
      user,
      'clients.csv',
      'email,full_name,comment\nAnn@Example.com,Ann Lee,Met at the fair\nbob@example.com,Bob,\n'
    )

    response.assertStatus(200)
    response.assertTextIncludes('Import report')
    assert.deepEqual(reportFigures(response.text()), {
      created: 2,
      updated: 0,
      skipped: 0,
      invalid: 0,
    })
    assert.deepEqual(await clientsOf(tenant), [
      { email: 'ann@example.com', fullName: 'Ann Lee', comment: 'Met at the fair' },
      { email: 'bob@example.com', fullName: 'Bob', comment: null },
    ])
  })

  test('BOM, semicolons, header in another order, quoted separators, quotes and line breaks', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const csv = [
      `${BOM}Comment;Name;E-Mail`,
      '"Likes ""quotes""; and semicolons";"Doe, John";john@example.com',
      '"First line',
      'second line";Ann;ann@example.com',
      'no email here;Nobody;',
      '',
      'plain;  Spaced Out  ;  spaced@example.com  ',
    ].join('\r\n')

    const response = await importFile(client, user, 'excel.csv', csv)
    const html = response.text()
    assert.deepEqual(reportFigures(html), { created: 3, updated: 0, skipped: 0, invalid: 1 })
    assert.include(html, 'separated by semicolons')
    assert.include(html, 'with a header row')
    // The quoted cell spans lines 3 and 4, so the row without email is on line 5.
    assert.deepEqual(reportedRows(html, 'invalid'), [
      { line: 5, email: '', reason: 'The email is missing' },
    ])
    assert.deepEqual(await clientsOf(tenant), [
      { email: 'ann@example.com', fullName: 'Ann', comment: 'First line\r\nsecond line' },
      {
        email: 'john@example.com',
        fullName: 'Doe, John',
        comment: 'Likes "quotes"; and semicolons',
      },
      { email: 'spaced@example.com', fullName: 'Spaced Out', comment: 'plain' },
    ])
  })

  test('without a header: email, full name, comment; other columns ignored', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const response = await importFile(
      client,
      user,
      'plain.txt',
      'zoe@example.com,Zoe,Friend,extra,columns\nyan@example.com\n'
    )
    const html = response.text()
    assert.deepEqual(reportFigures(html), { created: 2, updated: 0, skipped: 0, invalid: 0 })
    assert.include(html, 'no header row')
    assert.deepEqual(await clientsOf(tenant), [
      { email: 'yan@example.com', fullName: '', comment: null },
      { email: 'zoe@example.com', fullName: 'Zoe', comment: 'Friend' },
    ])
  })

  test('lists columns it does not know', async ({ client, assert }) => {
    const { user } = await createUser()
    const response = await importFile(
      client,
      user,
      'extra.csv',
      'Phone,EMAIL,City\n555,kim@example.com,Paris\n'
    )
    assert.equal(reportFigures(response.text()).created, 1)
    response.assertTextIncludes('Ignored columns: Phone, City.')
  })

  test('upserts by email: updates changes, keeps what empty cells do not say, counts the unchanged', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await insertClients(tenant, [
      { email: 'same@example.com', fullName: 'Same', comment: 'Kept' },
      { email: 'renamed@example.com', fullName: 'Old Name', comment: 'Kept too' },
    ])
    await tenant
      .related('clients')
      .create({ email: 'left@example.com', fullName: 'Left', unsubscribedAt: DateTime.utc() })

    const response = await importFile(
      client,
      user,
      'update.csv',
      [
        'email,name,comment',
        'SAME@example.com,Same,',
        'renamed@example.com,New Name,',
        'left@example.com,Left Again,',
        'new@example.com,New,Hello',
      ].join('\n')
    )

    assert.deepEqual(reportFigures(response.text()), {
      created: 1,
      updated: 2,
      skipped: 1,
      invalid: 0,
    })
    assert.deepEqual(await clientsOf(tenant), [
      { email: 'left@example.com', fullName: 'Left Again', comment: null },
      { email: 'new@example.com', fullName: 'New', comment: 'Hello' },
      { email: 'renamed@example.com', fullName: 'New Name', comment: 'Kept too' },
      { email: 'same@example.com', fullName: 'Same', comment: 'Kept' },
    ])
    // Importing never resubscribes anyone.
    const left = await Client.findByOrFail({ tenantId: tenant.id, email: 'left@example.com' })
    assert.isNotNull(left.unsubscribedAt)
  })

  test('the same email twice in a file: the first row wins, the others are listed', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const response = await importFile(
      client,
      user,
      'duplicates.csv',
      [
        'email,full_name',
        'dup@example.com,First',
        'other@example.com,Other',
        'DUP@example.com,Second',
        'dup@example.com,Third',
      ].join('\n')
    )

    const html = response.text()
    assert.deepEqual(reportFigures(html), { created: 2, updated: 0, skipped: 2, invalid: 0 })
    assert.deepEqual(reportedRows(html, 'duplicates'), [
      { line: 4, email: 'dup@example.com', reason: 'Same email as line 2, which is kept' },
      { line: 5, email: 'dup@example.com', reason: 'Same email as line 2, which is kept' },
    ])
    const dup = await Client.findByOrFail({ tenantId: tenant.id, email: 'dup@example.com' })
    assert.equal(dup.fullName, 'First')
  })

  test('invalid rows are listed with their line and reason; the valid ones are imported', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const response = await importFile(
      client,
      user,
      'invalid.csv',
      [
        'email,full_name',
        'good@example.com,Good',
        'not-an-email,Bad',
        '',
        'also@bad,Bad Too',
        ',No Email',
        `long@example.com,${'x'.repeat(201)}`,
        'fine@example.com,Fine',
      ].join('\n')
    )

    const html = response.text()
    assert.deepEqual(reportFigures(html), { created: 2, updated: 0, skipped: 0, invalid: 4 })
    assert.deepEqual(reportedRows(html, 'invalid'), [
      { line: 3, email: 'not-an-email', reason: '"not-an-email" is not a valid email address' },
      { line: 5, email: 'also@bad', reason: '"also@bad" is not a valid email address' },
      { line: 6, email: '', reason: 'The email is missing' },
      {
        line: 7,
        email: 'long@example.com',
        reason: 'The name must be at most 200 characters long',
      },
    ])
    assert.deepEqual(await clientEmailsOf(tenant), ['fine@example.com', 'good@example.com'])
  })

  test('a malformed file stops at its line; the rows before it are saved', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const response = await importFile(
      client,
      user,
      'broken.csv',
      'one@example.com,One\ntwo@example.com,"Two\nthree@example.com,Three\n'
    )

    response.assertStatus(200)
    const html = response.text()
    assert.match(html, /The import stopped at line 2:<\/strong> a quoted cell is never closed/)
    assert.deepEqual(await clientEmailsOf(tenant), ['one@example.com'])
  })

  test('imports into the importer’s workspace only', async ({ client, assert }) => {
    const owner = await createUser()
    const other = await createUser()
    await insertClients(owner.tenant, [{ email: 'shared@example.com', fullName: 'Owner’s' }])

    const response = await importFile(client, other.user, 'shared.csv', 'shared@example.com,Mine\n')
    assert.deepEqual(reportFigures(response.text()), {
      created: 1,
      updated: 0,
      skipped: 0,
      invalid: 0,
    })
    const owners = await Client.findByOrFail({
      tenantId: owner.tenant.id,
      email: 'shared@example.com',
    })
    assert.equal(owners.fullName, 'Owner’s')
  })
})

test.group('Clients: CSV import refuses unusable files with a sentence', (group) => {
  group.teardown(removeUploads)

  const cases: { title: string; name: string; content: string | Buffer; error: string }[] = [
    {
      title: 'an empty file',
      name: 'empty.csv',
      content: '',
      error: 'The file is empty. Choose a CSV file with one client per line.',
    },
    {
      title: 'a file with only a BOM and blank lines',
      name: 'blank.csv',
      content: `${BOM}\n  \r\n\n`,
      error: 'The file is empty. Choose a CSV file with one client per line.',
    },
    {
      title: 'a file of separators only',
      name: 'separators.csv',
      content: ';;\n;;\n',
      error: 'The file is empty. Choose a CSV file with one client per line.',
    },
    {
      title: 'a PNG renamed .csv',
      name: 'photo.csv',
      content: Buffer.from(
        '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
          '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
        'hex'
      ),
      error:
        'This is not a CSV file (it contains binary data). Save your list as CSV, comma or semicolon separated, and upload that file.',
    },
    {
      title: 'a .txt holding binary data',
      name: 'data.txt',
      content: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00]),
      error:
        'This is not a CSV file (it contains binary data). Save your list as CSV, comma or semicolon separated, and upload that file.',
    },
    {
      title: 'a spreadsheet',
      name: 'clients.xlsx',
      content: 'email\nann@example.com\n',
      error: 'Choose a .csv file (a .txt file with comma- or semicolon-separated values works too)',
    },
    {
      title: 'a Latin-1 file',
      name: 'latin1.csv',
      content: Buffer.from('email,full_name\nrene@example.com,Ren\xe9\n', 'latin1'),
      error:
        'The file is not UTF-8 text (accented letters would be garbled). Save it as "CSV UTF-8" and upload it again.',
    },
    {
      title: 'a UTF-16 file',
      name: 'unicode.csv',
      content: Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from('email\nann@example.com\n', 'utf16le'),
      ]),
      error:
        'The file is saved as UTF-16 ("Unicode text"). Save it as "CSV UTF-8" and upload it again.',
    },
    {
      title: 'a header without an email column',
      name: 'no-email.csv',
      content: 'Name,Phone\nAnn,555\n',
      error:
        'The first row looks like a header but has no email column (found: Name, Phone). Name the column of addresses "email".',
    },
    {
      title: 'a header and nothing else',
      name: 'header-only.csv',
      content: 'email,full_name,comment\n\n',
      error: 'The file has a header row but no clients under it.',
    },
  ]

  for (const { title, name, content, error } of cases) {
    test(`refuses ${title}`, async ({ client, assert }) => {
      const { user, tenant } = await createUser()
      const response = await importFile(client, user, name, content)

      response.assertStatus(302)
      response.assertHeader('location', '/clients/import')
      response.assertFlashMessage('inputErrorsBag', { file: [error] })
      assert.deepEqual(await clientEmailsOf(tenant), [])
    })
  }

  test('refuses a post without a file', async ({ client }) => {
    const { user } = await createUser()
    const response = await postForm(client, '/clients/import')
      .field('nothing', 'here')
      .loginAs(user)
    response.assertFlashMessage('inputErrorsBag', { file: ['Choose a CSV file to import'] })
  })

  test('refuses a file above 15 MB', async ({ client }) => {
    const { user } = await createUser()
    const line = 'someone.with.a.long.address@example.com,Someone With A Long Name,comment\n'
    const content = line.repeat(Math.ceil((15 * 1024 * 1024 + 1) / line.length))
    const response = await importFile(client, user, 'huge.csv', content)

    response.assertFlashMessage('inputErrorsBag', {
      file: [
        'The file is larger than 15 MB. Split it into smaller files and import them one after the other.',
      ],
    })
  })
})

test.group('Clients: CSV import at scale', (group) => {
  group.teardown(removeUploads)

  test('imports 100,000 rows, then again as unchanged', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const lines = ['email;full_name;comment']
    for (let index = 0; index < 100_000; index++) {
      lines.push(`client${index}@example.com;Client ${index};Row ${index + 2}`)
    }
    // Two faults the report must find among them.
    lines[50_000] = 'broken-address;Broken;'
    lines.push('client7@example.com;Client 7 again;')
    const content = lines.join('\n')

    const first = await importFile(client, user, 'big.csv', content)
    first.assertStatus(200)
    const firstHtml = first.text()
    assert.deepEqual(reportFigures(firstHtml), {
      created: 99_999,
      updated: 0,
      skipped: 1,
      invalid: 1,
    })
    assert.deepEqual(reportedRows(firstHtml, 'invalid'), [
      {
        line: 50_001,
        email: 'broken-address',
        reason: '"broken-address" is not a valid email address',
      },
    ])
    assert.deepEqual(reportedRows(firstHtml, 'duplicates'), [
      {
        line: 100_002,
        email: 'client7@example.com',
        reason: 'Same email as line 9, which is kept',
      },
    ])
    const count = await Client.query().where('tenant_id', tenant.id).count('* as total')
    assert.equal(Number(count[0].$extras.total), 99_999)

    const again = await importFile(client, user, 'big.csv', content)
    assert.deepEqual(reportFigures(again.text()), {
      created: 0,
      updated: 0,
      skipped: 100_000,
      invalid: 1,
    })
  }).timeout(120_000)
})
