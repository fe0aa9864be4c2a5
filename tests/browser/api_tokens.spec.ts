import { test } from '@japa/runner'
import { createUser } from '#tests/helpers/users'
import { logInThroughForm } from '#tests/helpers/browser'
import { waitUntil } from '#tests/helpers/wait'

test.group('API tokens and reference in the browser', () => {
  test('a user creates a token, sees its secret once, uses it, and revokes it', async ({
    visit,
    assert,
    client,
  }) => {
    const { user } = await createUser()
    const page = await visit('/')
    await logInThroughForm(page, user.email)

    await page.goto(new URL('/settings/tokens', page.url()).href)
    await page.getByLabel('Name').fill('CRM sync')
    await page.getByLabel('clients:read').check()
    await page.getByLabel('Expires').selectOption('30')
    await page.getByRole('button', { name: 'Create token' }).click()

    const secret = await page.getByTestId('new-token-secret').inputValue()
    assert.match(secret, /^mlg_/)
    const me = await client.get('/api/v1/me').bearerToken(secret)
    me.assertStatus(200)

    await page.reload()
    assert.equal(await page.getByTestId('new-token').count(), 0)
    await page.assertTextContains('[data-testid="tokens"]', 'CRM sync')
    assert.notInclude(await page.content(), secret)

    page.once('dialog', (dialog) => dialog.accept())
    await page.getByRole('button', { name: 'Revoke CRM sync' }).click()
    await page.getByTestId('no-tokens').waitFor()
    const refused = await client.get('/api/v1/me').bearerToken(secret)
    refused.assertStatus(401)
  })

  test('the API reference renders the OpenAPI document', async ({ visit, assert }) => {
    const page = await visit('/docs/api')
    const warnings: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text())
    })
    await page.getByText('The token’s user, workspace and abilities').first().waitFor()
    await page
      .getByRole('button', { name: /Clients/ })
      .first()
      .click()
    await page.getByText('Create or update up to 1,000 clients by email').first().waitFor()
    // The viewer checks the document too: nothing to say about it.
    assert.notInclude(warnings.join('\n'), 'validation errors')
  })

  test('the API reference contacts only this server and logs no console error', async ({
    browserContext,
    assert,
  }) => {
    // Listening before the first request: visit() would navigate first.
    const page = await browserContext.newPage()
    const requests: string[] = []
    const errors: string[] = []
    page.on('request', (request) => requests.push(request.url()))
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
    page.on('pageerror', (error) => errors.push(error.message))

    await page.goto('/docs/api')
    await page.getByText('The token’s user, workspace and abilities').first().waitFor()
    await page
      .getByRole('button', { name: /Mailings/ })
      .first()
      .click()
    await page.getByText('Create a mailing').first().waitFor()
    await page.waitForLoadState('networkidle')
    assert.deepEqual(errors, [])
    // Self-hosted: no "Ask AI" agent, no client button or developer toolbar.
    assert.equal(await page.getByText('Ask AI').count(), 0)
    assert.equal(await page.getByRole('button', { name: /Open API Client/i }).count(), 0)

    // "Test request" calls this server directly, through no proxy.
    await page
      .getByRole('button', { name: /Test Request/ })
      .first()
      .click()
    // The dialog may not listen yet when its button shows (a loaded
    // machine): sent again until the request goes out.
    const send = page.getByRole('dialog').getByRole('button', { name: /Send get request to/ })
    await waitUntil('the test request to reach this server', async () => {
      const sent = page.waitForRequest((request) => request.url().includes('/api/v1/'), {
        timeout: 8_000,
      })
      await send.click()
      return sent.then(
        () => true,
        () => false
      )
    })

    const own = new URL(page.url()).origin
    const elsewhere = requests.filter(
      (url) => !url.startsWith(`${own}/`) && !/^(data|blob):/.test(url)
    )
    assert.deepEqual(elsewhere, [])
  })
})
