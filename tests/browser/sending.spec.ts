import { test } from '@japa/runner'
import SendingDomain from '#models/sending_domain'
import { createUser } from '#tests/helpers/users'
import { logInThroughForm } from '#tests/helpers/browser'
import {
  publishRecords,
  startDnsServer,
  uniqueDomain,
} from '#tests/functional/sending_domains/helpers'

test.group('Settings → Sending in the browser', () => {
  test('on a phone, a user sets a sender, adds a domain, publishes its records and checks it', async ({
    visit,
    assert,
    cleanup,
  }) => {
    const dns = await startDnsServer(cleanup)
    const { user } = await createUser()
    const domainName = uniqueDomain()

    const page = await visit('/login')
    await page.setViewportSize({ width: 375, height: 740 })
    await logInThroughForm(page, user.email)
    await page.goto(new URL('/settings/workspace', page.url()).href)
    await page.getByRole('link', { name: 'Sending' }).click()

    await page.getByLabel('From name').fill('Acme News')
    await page.getByLabel('From address').fill(`news@${domainName}`)
    await page.getByRole('button', { name: 'Save sender' }).click()
    await page.assertTextContains('[data-testid="via-notice"]', 'is not one of your domains')
    await page.assertTextContains('[data-testid="effective-from"]', 'Acme News via Mailings')

    // An IP is refused beside the field.
    await page.getByPlaceholder('example.com').fill('192.0.2.1')
    await page.getByRole('button', { name: 'Add domain' }).click()
    await page.assertTextContains('[data-testid="error-domain"]', 'no address, IP or spaces')

    await page.getByPlaceholder('example.com').fill(domainName)
    await page.getByRole('button', { name: 'Add domain' }).click()
    await page.assertTextContains('.alert-success', `${domainName} is added`)
    await page.assertTextContains('[data-testid="domain-state"]', 'Pending')

    publishRecords(dns, await SendingDomain.findByOrFail('domain', domainName))
    await page.getByRole('button', { name: 'Check now' }).click()
    await page.assertTextContains('[data-testid="domain-state"]', 'Verified')
    await page.assertTextContains('[data-testid="status-dkim"]', 'ok')
    await page.assertTextContains('[data-testid="effective-from"]', `news@${domainName}`)

    // The records (a 400-character DKIM key) scroll inside their table,
    // nothing wider than the phone's screen.
    const overflow = await page.evaluate(() => {
      const { documentElement } = (globalThis as any).document
      return documentElement.scrollWidth - documentElement.clientWidth
    })
    assert.equal(overflow, 0)
  })
})
