import { test } from '@japa/runner'
import { removeUploads, writeUpload } from '#tests/functional/clients/helpers'
import { createUser, STRONG_PASSWORD } from '#tests/helpers/users'

test.group('Clients in the browser', (group) => {
  group.teardown(removeUploads)

  test('a user adds a client by hand, imports a CSV, reads the report and finds everyone in the list', async ({
    visit,
    assert,
  }) => {
    const { user } = await createUser({ fullName: 'Hedy Lamarr' })
    const page = await visit('/login')
    await page.getByLabel('Email').fill(user.email)
    await page.getByLabel('Password').fill(STRONG_PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL('**/dashboard')

    // An empty workspace invites to add or import.
    await page.getByRole('link', { name: 'Clients', exact: true }).click()
    await page.assertExists('[data-testid="clients-empty"]')

    // By hand, with a mistake first.
    await page.getByTestId('clients-empty').getByRole('link', { name: 'Add a client' }).click()
    await page.getByLabel('Email').fill('not an email')
    await page.getByLabel('Full name').fill('Ada Lovelace')
    await page.getByRole('button', { name: 'Add the client' }).click()
    await page.assertTextContains('[data-testid="error-email"]', 'Enter a valid email address')
    await page.assertInputValue('[name="fullName"]', 'Ada Lovelace')

    await page.getByLabel('Email').fill('Ada@Example.com')
    await page.getByLabel('Comment').fill('Met at the analytical engine demo')
    await page.getByRole('button', { name: 'Add the client' }).click()
    await page.assertTextContains('.alert-success', 'ada@example.com is added to your clients.')
    await page.assertTextContains('[data-testid="clients-table"]', 'Ada Lovelace')

    // Then a file exported from a spreadsheet: BOM, semicolons, a header in
    // its own order, a duplicate and a bad address.
    const csv = [
      '\uFEFFName;Email;Comment',
      'Ada King;ada@example.com;',
      '"Turing; Alan";alan@example.com;"Codebreaker"',
      'Grace Hopper;grace@example.com;Admiral',
      'Grace Again;GRACE@example.com;',
      'Nobody;not-an-email;',
    ].join('\r\n')
    const path = await writeUpload('from-excel.csv', csv)

    await page.getByRole('link', { name: 'Import CSV' }).click()
    await page.getByLabel('CSV file').setInputFiles(path)
    await page.getByRole('button', { name: 'Import' }).click()

    await page.assertTextContains('h1', 'Import report')
    await page.assertText('[data-testid="import-created"]', '2')
    await page.assertText('[data-testid="import-updated"]', '1')
    await page.assertText('[data-testid="import-skipped"]', '1')
    await page.assertText('[data-testid="import-invalid"]', '1')
    await page.assertTextContains(
      '[data-testid="import-invalid-rows"]',
      '"not-an-email" is not a valid email address'
    )
    await page.assertTextContains(
      '[data-testid="import-duplicates-rows"]',
      'Same email as line 4, which is kept'
    )

    await page.getByRole('link', { name: 'See your clients' }).click()
    const table = page.getByTestId('clients-table')
    for (const text of ['Ada King', 'Turing; Alan', 'grace@example.com', 'Grace Hopper']) {
      assert.isTrue(await table.getByText(text).first().isVisible(), text)
    }
    assert.equal(await page.getByTestId('client-row').count(), 3)

    // Find one, then delete two at once.
    await page.getByLabel('Search clients by email or name').fill('turing')
    await page.getByRole('button', { name: 'Search' }).click()
    assert.equal(await page.getByTestId('client-row').count(), 1)
    await page.getByRole('link', { name: 'Clear' }).click()

    page.on('dialog', (dialog) => dialog.accept())
    await page.getByLabel('Select alan@example.com').check()
    await page.getByLabel('Select grace@example.com').check()
    await page.assertTextContains('[data-selected-count]', '2 selected')
    await page.getByRole('button', { name: 'Delete selected' }).click()
    await page.assertTextContains('.alert-success', '2 clients are deleted.')
    assert.equal(await page.getByTestId('client-row').count(), 1)
  })

  test('an oversized file is refused before it is uploaded', async ({ visit, assert }) => {
    const { user } = await createUser()
    const page = await visit('/login')
    await page.getByLabel('Email').fill(user.email)
    await page.getByLabel('Password').fill(STRONG_PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL('**/dashboard')

    await page.goto('/clients/import')
    const uploads: string[] = []
    page.on('request', (request) => {
      if (request.method() === 'POST') uploads.push(request.url())
    })
    const line = 'someone@example.com,Someone,A comment to make the line longer\n'
    const path = await writeUpload(
      'huge.csv',
      line.repeat(Math.ceil((16 * 1024 * 1024) / line.length))
    )
    await page.getByLabel('CSV file').setInputFiles(path)
    await page.assertTextContains('[data-testid="error-file"]', 'The file is larger than 15 MB')
    await page.getByRole('button', { name: 'Import' }).click()
    await page.assertPath('/clients/import')
    await page.assertTextContains('[data-testid="error-file"]', 'The file is larger than 15 MB')
    assert.deepEqual(uploads, [])
  })
})
