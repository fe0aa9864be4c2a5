import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import Tag from '#models/tag'
import { addTagsToClients } from '#audiences/client_tags'
import { smtp } from '#tests/helpers/peers'
import { createUser } from '#tests/helpers/users'
import { createMessage, createOpenMailing } from '#tests/helpers/workspace'
import { tagNamesOf } from '#tests/functional/clients/audience_helpers'

test.group('Preference page in the browser', () => {
  test('a reader follows the link of a mailing they received, chooses topics, then leaves', async ({
    browser,
    assert,
    cleanup,
  }) => {
    const { user, tenant } = await createUser()
    tenant.name = 'Maison du Thé'
    await tenant.save()
    const arrivals = await Tag.create({
      tenantId: tenant.id,
      name: 'Tea arrivals',
      isTopic: true,
      description: 'New harvests, as they land',
    })
    await Tag.create({ tenantId: tenant.id, name: 'Tasting evenings', isTopic: true })
    const wholesale = await Tag.create({ tenantId: tenant.id, name: 'Wholesale', isTopic: false })
    const reader = await tenant
      .related('clients')
      .create({ email: `grace-${Date.now()}@example.com`, fullName: 'Grace Hopper' })
    await addTagsToClients([arrivals.id, wholesale.id], [reader.id])

    // A real mailing, sent by the worker to the SMTP sink.
    const message = await createMessage(tenant, {
      subject: 'The spring teas are in',
      bodyText: 'Hello {{ client.full_name }}. Your subscription: {{ unsubscribe_url }}',
    })
    await createOpenMailing(user, message, { nextRunAt: DateTime.now() })
    const mail = await smtp.waitForMailTo(reader.email, 'The spring teas are in')
    const link = /https?:\/\/\S+\/u\/[\w-]{43}/.exec(mail.parsed.text ?? '')?.[0]
    assert.isString(link, mail.parsed.text)
    // The one-click header names the same link (the header may be folded).
    assert.equal(/^List-Unsubscribe:\s+<([^>]+)>\r?$/m.exec(mail.raw)?.[1], link)

    // The page and its forms need no script: the reader's browser runs none.
    const context = await browser.newContext({ javaScriptEnabled: false })
    cleanup(() => context.close())
    const page = await context.visit(link!)

    await page.assertTextContains('h1', 'Your subscription to Maison du Thé')
    await page.assertTextContains('[data-testid="masked-email"]', '@example.com')
    await page.assertTextContains('main', 'New harvests, as they land')
    assert.isTrue(await page.getByLabel('Tea arrivals').isChecked())
    assert.isFalse(await page.getByLabel('Tasting evenings').isChecked())
    await page.assertNotExists('text=Wholesale')

    await page.getByLabel('Tea arrivals').uncheck()
    await page.getByLabel('Tasting evenings').check()
    await page.getByRole('button', { name: 'Save preferences' }).click()
    await page.assertTextContains('[data-testid="notice"]', 'Your preferences are saved.')
    assert.isFalse(await page.getByLabel('Tea arrivals').isChecked())
    assert.isTrue(await page.getByLabel('Tasting evenings').isChecked())
    assert.deepEqual(await tagNamesOf(reader), ['Tasting evenings', 'Wholesale'])

    await page.getByRole('button', { name: 'Unsubscribe from everything' }).click()
    await page.assertTextContains('h1', 'You are unsubscribed')
    await page.assertTextContains('main', 'Maison du Thé will not send mailings to')
    await reader.refresh()
    assert.isNotNull(reader.unsubscribedAt)

    // Clicked by mistake: back to the page, and back on the list.
    await page.getByRole('link', { name: 'Back to your subscription' }).click()
    await page.assertTextContains('h1', 'You are already unsubscribed')
    await page.assertNotExists('text=Save preferences')
    await page.getByRole('button', { name: 'Resubscribe' }).click()
    await page.assertTextContains('[data-testid="notice"]', 'Welcome back')
    assert.isTrue(await page.getByLabel('Tasting evenings').isChecked())
    await reader.refresh()
    assert.isNull(reader.unsubscribedAt)
  }).timeout(60_000)
})
