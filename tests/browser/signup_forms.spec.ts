import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from '@japa/runner'
import type { Locator } from 'playwright'
import Client from '#models/client'
import SignupForm from '#models/signup_form'
import { tagsOfClients } from '#audiences/client_tags'
import { createUser } from '#tests/helpers/users'
import { logInThroughForm } from '#tests/helpers/browser'
import { waitUntil } from '#tests/helpers/wait'
import {
  confirmationLinkFor,
  createAttribute,
  createSignupForm,
  visitorEmail,
} from '#tests/functional/signup_forms/helpers'

/**
 * A business's own web site, as small as can be: one static page holding
 * whatever HTML it is given (the snippet), and a thank-you page, on a port
 * of its own (another origin than the app's).
 */
async function startStaticSite(cleanup: (handler: () => Promise<void>) => void, body: string) {
  const server = http.createServer((request, response) => {
    const html = request.url?.startsWith('/thanks')
      ? '<h1>Thanks from the bakery site</h1>'
      : `<h1>Demo Bakery</h1>\n${body}`
    response
      .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
      .end(`<!DOCTYPE html><html><head><title>Bakery</title></head><body>${html}</body></html>`)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanup(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  )
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/**
 * The honeypot is laid out, as robots expect, but far off the page.
 */
async function assertOutOfSight(field: Locator) {
  const box = await field.boundingBox()
  if (!box || box.x + box.width >= 0) {
    throw new Error(`The honeypot field is in sight: ${JSON.stringify(box)}`)
  }
}

test.group('Sign-up forms in the browser', () => {
  test('a visitor subscribes on the hosted page and confirms from the mail', async ({
    visit,
    assert,
  }) => {
    const { tenant } = await createUser()
    tenant.name = 'Demo Bakery'
    await tenant.save()
    const favourite = await createAttribute(tenant, 'favourite_bread', 'choice', [
      'Rye',
      'Sourdough',
    ])
    const form = await createSignupForm(tenant, {
      title: 'Fresh bread news',
      tags: 'newsletter',
      attributes: [{ definition: favourite, required: true }],
    })
    const email = visitorEmail('hosted')

    const page = await visit(`/f/${form.publicToken}`)
    await page.assertTextContains('h1', 'Fresh bread news')
    await page.assertTextContains('[data-testid="workspace-name"]', 'Demo Bakery')
    await page.assertTextContains('[data-testid="consent-text"]', 'I agree to receive emails')
    // The honeypot is out of sight.
    await assertOutOfSight(page.locator('input[name="website"]'))

    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Name').fill('Rosa Alves')
    await page.getByLabel('Favourite bread').selectOption('Sourdough')
    await page.getByRole('button', { name: 'Subscribe' }).click()
    await page.assertTextContains('h1', 'Check your inbox')

    // The page answers once the sign-up is queued; the worker records it.
    const pending = await waitUntil(`the sign-up of ${email}`, () =>
      Client.query().where({ tenant_id: tenant.id, email }).first()
    )
    assert.equal(pending.state, 'pending')

    const { link } = await confirmationLinkFor(email)
    await page.goto(new URL(link, page.url()).href)
    await page.getByRole('button', { name: 'Confirm my subscription' }).click()
    await page.assertTextContains('h1', 'Subscription confirmed')
    await page.assertTextContains('[data-testid="confirmed-text"]', 'Welcome to Demo Bakery!')

    await pending.refresh()
    assert.equal(pending.state, 'subscribed')
    assert.equal(pending.fullName, 'Rosa Alves')
    assert.deepEqual(pending.attributes, { favourite_bread: 'Sourdough' })
    const tags = await tagsOfClients([pending.id])
    assert.deepEqual(
      tags.get(pending.id)?.map((tag) => tag.name),
      ['newsletter']
    )

    // Back later: said, nothing to do.
    await page.goto(new URL(link, page.url()).href)
    await page.assertTextContains('h1', 'Already confirmed')
  }).timeout(60_000)

  test('the owner makes a form, pastes its snippet on their own site, and a visitor subscribes there', async ({
    visit,
    assert,
    cleanup,
  }) => {
    const { user, tenant } = await createUser()
    await createAttribute(tenant, 'company')

    const page = await visit('/login')
    await logInThroughForm(page, user.email)
    await page.goto(new URL('/clients/forms', page.url()).href)
    await page.getByRole('link', { name: 'New form' }).click()
    await page.getByLabel('Name', { exact: true }).fill('Bakery site footer')
    await page.getByLabel('Tags subscribers get').fill('website')
    await page.getByLabel('Ask Company').check()
    // A mail without its link is refused beside the field.
    await page.getByLabel('Text', { exact: true }).fill('Please confirm.')
    await page.getByRole('button', { name: 'Create the form' }).click()
    await page.assertTextContains('[data-testid="error-confirmationBody"]', '{{ confirm_url }}')
    await page.getByLabel('Text', { exact: true }).fill('Please confirm: {{ confirm_url }}')
    await page.getByRole('button', { name: 'Create the form' }).click()
    await page.assertTextContains('.alert-success', 'The form “Bakery site footer” is saved')

    const form = await SignupForm.query().where('tenant_id', tenant.id).firstOrFail()
    const snippet = await page.locator('[data-testid="snippet"]').inputValue()
    const site = await startStaticSite(cleanup, snippet)

    const email = visitorEmail('snippet')
    await page.goto(site)
    await page.assertTextContains('h1', 'Demo Bakery')
    await assertOutOfSight(page.locator('input[name="website"]'))
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Name').fill('Bruno Costa')
    await page.getByLabel('Company').fill('Costa & Filhos')
    await page.getByRole('button', { name: 'Subscribe' }).click()
    // Our own page answers the plain cross-site POST.
    await page.assertTextContains('h1', 'Check your inbox')
    assert.equal(new URL(page.url()).pathname, `/f/${form.publicToken}`)

    const { link } = await confirmationLinkFor(email)
    await page.goto(new URL(link, new URL(form.publicToken, page.url())).href)
    await page.getByRole('button', { name: 'Confirm my subscription' }).click()
    await page.assertTextContains('h1', 'Subscription confirmed')

    const client = await Client.query().where({ tenant_id: tenant.id, email }).firstOrFail()
    assert.equal(client.state, 'subscribed')
    assert.equal(client.fullName, 'Bruno Costa')
    assert.deepEqual(client.attributes, { company: 'Costa & Filhos' })
    const tags = await tagsOfClients([client.id])
    assert.deepEqual(
      tags.get(client.id)?.map((tag) => tag.name),
      ['website']
    )
  }).timeout(60_000)

  test('a form with a redirect address sends the visitor back to the business’s site', async ({
    visit,
    cleanup,
  }) => {
    const site = await startStaticSite(cleanup, '')
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant, { redirectUrl: `${site}/thanks` })

    const page = await visit(`/f/${form.publicToken}`)
    await page.getByLabel('Email').fill(visitorEmail('redirected'))
    await page.getByRole('button', { name: 'Subscribe' }).click()
    await page.assertTextContains('h1', 'Thanks from the bakery site')
  }).timeout(60_000)
})
