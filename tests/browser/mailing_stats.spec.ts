import { test } from '@japa/runner'
import type { Page } from 'playwright'
import { DateTime } from 'luxon'
import { createUser } from '#tests/helpers/users'
import { logInThroughForm } from '#tests/helpers/browser'
import { createMailing } from '#tests/helpers/workspace'
import {
  createAttempt,
  createDeliveries,
  createRun,
  uniqueEmails,
} from '#tests/functional/stats/fixtures'

test.group('Mailing statistics in the browser', () => {
  test('the progress bar follows a running run and the chart draws its sends', async ({
    visit,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const mailing = await createMailing(tenant, { name: 'Live numbers', status: 'running' })
    const startedAt = DateTime.now().minus({ minutes: 3 }).startOf('minute')
    const run = await createRun(mailing, {
      status: 'running',
      startedAt,
      total: 10,
      sent: 2,
      failed: 1,
    })
    const deliveries = await createDeliveries(
      run,
      uniqueEmails('live', 3).map((email, i) => ({ email, status: i < 2 ? 'sent' : 'failed' }))
    )
    for (const [i, delivery] of deliveries.entries()) {
      await createAttempt(delivery, {
        outcome: i < 2 ? 'sent' : 'permanent',
        attemptedAt: startedAt.plus({ minutes: i, seconds: 10 }),
      })
    }

    const page = await visit('/login')
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(error.message))
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text())
    })
    await logInThroughForm(page, user.email)
    await page.goto(new URL(`/mailings/${mailing.id}`, page.url()).href)

    await page.assertTextContains('[data-testid="run-progress"]', '3 of 10 done (30%)')
    assert.equal(await segmentWidth(page, 'sent'), '20%')
    assert.equal(await segmentWidth(page, 'failed'), '10%')

    // The chart: sent and failed per minute of the run, drawn on the canvas.
    // (These functions run in the page: `globalThis` is its window.)
    await page.waitForFunction(() => {
      const { document, Chart } = globalThis as any
      return Chart?.getChart(document.querySelector('[data-sends-chart]'))?.data.labels.length > 0
    })
    const drawn = await page.evaluate(() => {
      const { document, Chart } = globalThis as any
      const canvas = document.querySelector('[data-sends-chart]')
      const chart = Chart.getChart(canvas)
      const sum = (data: number[]) => data.reduce((a, b) => a + b, 0)
      return {
        width: canvas.width,
        height: canvas.height,
        sent: sum(chart.data.datasets[0].data),
        failed: sum(chart.data.datasets[1].data),
      }
    })
    assert.isAbove(drawn.width, 0)
    assert.isAbove(drawn.height, 0)
    assert.equal(drawn.sent, 2)
    assert.equal(drawn.failed, 1)

    // The engine moves on: the page follows without a reload.
    run.merge({ sent: 7, failed: 1, skipped: 1 })
    await run.save()
    await waitForText(page, '[data-testid="run-progress"]', '9 of 10 done (90%)')
    assert.equal(await segmentWidth(page, 'sent'), '70%')
    await page.assertTextContains(`[data-run-row="${run.id}"] [data-field="sent"]`, '7')
    await page.assertTextContains('[data-totals-field="successRate"]', '87.5%')

    run.merge({ sent: 8, status: 'completed', completedAt: DateTime.now() })
    await run.save()
    await waitForText(page, '[data-testid="run-progress"]', '10 of 10 done (100%)')
    await page.assertTextContains('[data-progress-status]', 'completed')
    await page.assertTextContains(`[data-run-row="${run.id}"] [data-field="status"]`, 'completed')

    // No script or style refused by the CSP, no script error.
    assert.deepEqual(problems, [])
  })

  test('the delivery log shows the attempts of a delivery on demand', async ({ visit }) => {
    const { user, tenant } = await createUser()
    const mailing = await createMailing(tenant, { status: 'completed' })
    const run = await createRun(mailing, { total: 1, sent: 1, completedAt: DateTime.now() })
    const [delivery] = await createDeliveries(run, [
      { email: uniqueEmails('log', 1)[0], status: 'sent', attempts: 2 },
    ])
    await createAttempt(delivery, {
      outcome: 'transient',
      attemptedAt: DateTime.utc(2031, 1, 1, 9, 0, 1),
      smtpCode: 421,
      response: '421 Too many connections, slow down',
    })
    await createAttempt(delivery, {
      outcome: 'sent',
      attemptedAt: DateTime.utc(2031, 1, 1, 9, 1, 1),
      smtpCode: 250,
    })

    const page = await visit('/login')
    await logInThroughForm(page, user.email)
    await page.goto(new URL(`/mailings/${mailing.id}`, page.url()).href)
    await page.getByRole('link', { name: 'Delivery log' }).click()

    await page.assertTextContains('[data-testid="deliveries-table"]', delivery.email)
    await page.assertNotVisible(`[data-testid="attempts-${delivery.email}"]`)
    await page.getByRole('button', { name: '2 ▾' }).click()
    await page.assertVisible(`[data-testid="attempts-${delivery.email}"]`)
    await page.assertTextContains(
      `[data-testid="attempts-${delivery.email}"]`,
      '421 Too many connections, slow down'
    )
  })
})

function segmentWidth(page: Page, segment: string) {
  return page
    .locator(`[data-segment="${segment}"]`)
    .evaluate((element) => (element as any).style.width as string)
}

/**
 * Waits (as long as a slow machine needs) until the element shows the text:
 * the page polls every 2 seconds.
 */
async function waitForText(page: Page, selector: string, text: string) {
  await page.waitForFunction(
    ([sel, expected]) =>
      (globalThis as any).document.querySelector(sel)?.textContent?.includes(expected),
    [selector, text] as const,
    { timeout: 30_000 }
  )
}
