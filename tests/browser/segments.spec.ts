import { test } from '@japa/runner'
import Segment from '#models/segment'
import { createUser, STRONG_PASSWORD } from '#tests/helpers/users'
import { createClients } from '#tests/helpers/workspace'
import { createTags, defineAttributes, tag } from '#tests/functional/segments/helpers'

test.group('Segments in the browser', () => {
  test('a user builds a segment in the editor, watching the live count, and saves it', async ({
    visit,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await defineAttributes(tenant)
    const [vip] = await createTags(tenant, ['VIP'])
    const clients = await createClients(tenant, 4)
    await tag(clients.slice(0, 3), vip)
    await clients[0].merge({ attributes: { score: 80 } }).save()
    await clients[1].merge({ attributes: { score: 20 } }).save()

    const page = await visit('/login')
    await page.getByLabel('Email').fill(user.email)
    await page.getByLabel('Password').fill(STRONG_PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL('**/dashboard')

    await page.getByRole('link', { name: 'Segments', exact: true }).click()
    await page.getByTestId('segments-empty').getByRole('link', { name: 'Create a segment' }).click()
    await page.getByLabel('Name').fill('Engaged VIPs')

    // The first row is a tag condition: choosing the tag counts at once.
    await page.locator('#condition-0-tags').selectOption(String(vip.id))
    await page.assertTextContains('[data-testid="segment-count"]', '3')

    // A second row, switched to the score: its operators and input follow.
    await page.getByRole('button', { name: 'Add a condition' }).click()
    await page.locator('#condition-1-field').selectOption('attribute:score')
    await page.waitForSelector('#condition-1-value[type="number"]')
    await page.locator('#condition-1-op').selectOption('gt')
    await page.locator('#condition-1-value').fill('50')
    await page.assertTextContains('[data-testid="segment-count"]', '1')
    await page.assertTextContains('[data-testid="segment-sample"]', clients[0].email)

    await page.getByRole('button', { name: 'Create segment' }).click()
    await page.assertTextContains('.alert-success', 'The segment “Engaged VIPs” is saved.')
    await page.assertTextContains('[data-testid="segment-count"]', '1')
    const segment = await Segment.query().where('tenant_id', tenant.id).firstOrFail()
    assert.deepEqual(segment.definition, {
      match: 'all',
      conditions: [
        { field: 'tags', op: 'any', tagIds: [vip.id] },
        { field: 'attribute', key: 'score', op: 'gt', value: 50 },
      ],
    })
    if (process.env.SEGMENT_SCREENSHOT) {
      await page.screenshot({ path: process.env.SEGMENT_SCREENSHOT, fullPage: true })
    }
  })
})
