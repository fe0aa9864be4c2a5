import { test } from '@japa/runner'
import { createUser } from '#tests/helpers/users'
import { logInThroughForm } from '#tests/helpers/browser'
import { insertClients } from '#tests/functional/clients/helpers'

test.group('Tags and attributes in the browser', () => {
  test('a user creates a tag and an attribute, sets them on a client, and tags clients from the list', async ({
    visit,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await insertClients(tenant, [
      { email: 'ada@fans.example', fullName: 'Ada' },
      { email: 'bob@fans.example', fullName: 'Bob' },
      { email: 'cy@fans.example', fullName: 'Cy' },
      { email: 'dee@other.example', fullName: 'Dee' },
    ])
    const page = await visit('/login')
    await logInThroughForm(page, user.email)

    // Clients → Tags: a topic.
    await page.getByRole('link', { name: 'Clients', exact: true }).click()
    await page.getByTestId('clients-nav').getByRole('link', { name: 'Tags' }).click()
    await page.getByLabel('Name').fill('VIP')
    await page.getByLabel('A topic clients may choose on their preference page').check()
    await page.getByLabel('Topic description (optional)').fill('Early news for our best clients')
    await page.getByRole('button', { name: 'Add the tag' }).click()
    await page.assertTextContains('.alert-success', 'The tag “VIP” is added.')
    await page.assertTextContains('[data-testid="tags-table"]', 'Early news for our best clients')

    // Clients → Attributes: a choice, with a mistake first.
    await page.getByTestId('clients-nav').getByRole('link', { name: 'Attributes' }).click()
    await page.getByRole('link', { name: 'Add an attribute' }).click()
    await page.getByLabel('Label').fill('Plan')
    await page.getByLabel('Key').fill('Plan')
    await page.getByLabel('Type').selectOption('choice')
    await page.getByLabel('Choices').fill('Free\nPro')
    await page.getByRole('button', { name: 'Add the attribute' }).click()
    await page.assertTextContains('[data-testid="error-key"]', 'Start with a lower-case letter')
    await page.getByLabel('Key').fill('plan')
    await page.getByLabel('Choices').fill('Free\nPro')
    await page.getByRole('button', { name: 'Add the attribute' }).click()
    await page.assertTextContains('.alert-success', 'The attribute “Plan” is added')
    await page.assertTextContains('[data-testid="attributes-table"]', 'Free, Pro')

    // The client form: tick the tag, choose the plan.
    await page.getByTestId('clients-nav').getByRole('link', { name: 'All clients' }).click()
    await page.getByRole('link', { name: 'ada@fans.example' }).click()
    await page.getByLabel('VIP', { exact: true }).check()
    await page.getByLabel('Plan').selectOption('Pro')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.assertTextContains('.alert-success', 'ada@fans.example is saved.')
    const adaRow = page.getByTestId('client-row').filter({ hasText: 'ada@fans.example' })
    assert.equal(await adaRow.getByTestId('client-tags').innerText(), 'VIP')
    await page.getByRole('link', { name: 'ada@fans.example' }).click()
    assert.isTrue(await page.getByLabel('VIP', { exact: true }).isChecked())
    assert.equal(await page.getByLabel('Plan').inputValue(), 'Pro')
    await page.getByRole('link', { name: 'Cancel' }).click()

    // Bulk: the ticked clients.
    await page.getByLabel('Select dee@other.example').check()
    await page
      .getByTestId('bulk-form')
      .getByLabel('Tag', { exact: true })
      .selectOption({ label: 'VIP' })
    await page.getByLabel('Which clients').selectOption('selected')
    await page.getByRole('button', { name: 'Add tag' }).click()
    await page.assertTextContains('.alert-success', 'The tag “VIP” is added to 1 client.')

    // Bulk: every client the search matches.
    await page.getByLabel('Search clients by email or name').fill('fans.example')
    await page.getByRole('button', { name: 'Search' }).click()
    await page
      .getByTestId('bulk-form')
      .getByLabel('Tag', { exact: true })
      .selectOption({ label: 'VIP' })
    await page.getByLabel('Which clients').selectOption('search')
    await page.getByRole('button', { name: 'Add tag' }).click()
    await page.assertTextContains('.alert-success', 'The tag “VIP” is added to 2 clients.')
    // Still on the search, and every match has the tag.
    assert.equal(
      await page.getByLabel('Search clients by email or name').inputValue(),
      'fans.example'
    )
    assert.equal(await page.getByTestId('client-tags').count(), 3)

    await page.getByTestId('clients-nav').getByRole('link', { name: 'Tags' }).click()
    await page.assertText('[data-testid="tag-count"]', '4')
  })
})
