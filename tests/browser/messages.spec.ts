import { test } from '@japa/runner'
import { createUser, STRONG_PASSWORD } from '#tests/helpers/users'

test.group('Messages in the browser', () => {
  test('a user writes a message with placeholders, previews it for a client and duplicates it', async ({
    visit,
    assert,
  }) => {
    const { user, tenant } = await createUser({ fullName: 'Hedy Lamarr' })
    const grace = await tenant
      .related('clients')
      .create({ email: `grace-${Date.now()}@example.com`, fullName: 'Grace Hopper' })

    const page = await visit('/login')
    await page.getByLabel('Email').fill(user.email)
    await page.getByLabel('Password').fill(STRONG_PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL('**/dashboard')

    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Messages' })
      .click()
    await page.getByRole('link', { name: 'Write your first message' }).click()

    // A typo in a placeholder is named beside its field; what was typed stays.
    await page.getByLabel('Subject').fill('Hello {{ client.full_name }}')
    await page.getByLabel('Text').fill('Dear {{ client.fullname }},\n\nSee you soon.')
    await page
      .getByLabel('HTML (optional)')
      .fill(
        '<p>Dear <b>{{ client.full_name }}</b></p><script>alert(1)</script>' +
          '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>'
      )
    await page.getByRole('button', { name: 'Save message' }).click()
    await page.assertTextContains(
      '[data-testid="error-bodyText"]',
      'Unknown placeholder {{ client.fullname }}. Use {{ client.full_name }}, {{ client.email }} or {{ unsubscribe_url }}.'
    )
    await page.assertInputValue('[name="subject"]', 'Hello {{ client.full_name }}')

    await page
      .getByLabel('Text')
      .fill('Dear {{client.full_name}},\n\nSee you soon.\nUnsubscribe: {{ unsubscribe_url }}')
    await page.getByRole('button', { name: 'Save message' }).click()

    // The preview, first for the example client, then for Grace.
    await page.assertTextContains('.alert-success', 'Your message is saved')
    await page.assertTextContains('[data-testid="preview-subject"]', 'Hello Alex Example')
    await page.getByLabel('As received by').selectOption({ label: `${grace.email} — Grace Hopper` })
    await page.getByRole('button', { name: 'Show preview' }).click()
    await page.assertTextContains('[data-testid="preview-subject"]', 'Hello Grace Hopper')
    await page.assertTextContains('[data-testid="preview-text"]', 'Dear Grace Hopper,')

    // The HTML version loads in its sandboxed frame, without the script.
    const frame = page.frameLocator('[data-testid="preview-html"]')
    await frame.locator('p b').waitFor()
    assert.equal(await frame.locator('p b').textContent(), 'Grace Hopper')
    assert.equal(await frame.locator('script').count(), 0)

    // Duplicate: the copy opens in its edit form.
    await page.getByRole('button', { name: 'Duplicate' }).click()
    await page.waitForURL('**/messages/*/edit')
    await page.assertInputValue('[name="subject"]', 'Copy of Hello {{ client.full_name }}')
    await page.getByLabel('Subject').fill('Second hello {{ client.full_name }}')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.assertTextContains('[data-testid="preview-subject"]', 'Second hello Alex Example')

    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Messages' })
      .click()
    await page.assertElementsCount('[data-testid="message-row"]', 2)

    // Deleting asks first.
    await page.getByRole('link', { name: 'Second hello {{ client.full_name }}' }).click()
    page.once('dialog', (dialog) => dialog.accept())
    await page.getByRole('button', { name: 'Delete' }).click()
    await page.assertTextContains('.alert-success', 'is deleted')
    await page.assertElementsCount('[data-testid="message-row"]', 1)
  })
})
