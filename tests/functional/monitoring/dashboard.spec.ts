import { test } from '@japa/runner'
import { readFile } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import env from '#start/env'
import { METRICS_TOKEN, appUrl, scrape } from '#tests/helpers/monitoring'
import { freePort } from '#tests/helpers/net'
import { prometheusProgram } from '#tests/helpers/prometheus'
import { DashboardPrometheus, dashboardPanels } from '../../../bench/helpers/fleet/dashboard.js'

/**
 * Every PromQL expression of the dashboard: panel targets (rows included)
 * and template variable queries.
 */
function expressions(dashboard: any): string[] {
  const found = dashboardPanels(dashboard).flatMap((panel) => panel.expressions)
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type !== 'query') continue
    found.push(typeof variable.query === 'string' ? variable.query : variable.query.query)
  }
  return found
}

function balanced(expression: string) {
  const closing: Record<string, string> = { ')': '(', ']': '[', '}': '{' }
  const stack: string[] = []
  for (const char of expression.replace(/"(?:[^"\\]|\\.)*"/g, '""')) {
    if ('([{'.includes(char)) stack.push(char)
    else if (char in closing && stack.pop() !== closing[char]) return false
  }
  return stack.length === 0
}

test.group('Grafana dashboard', () => {
  test('deploy/grafana/mailings.json queries only metrics the app exports, and all of them', async ({
    assert,
  }) => {
    const dashboard = JSON.parse(
      await readFile(app.makePath('deploy/grafana/mailings.json'), 'utf8')
    )
    const queries = expressions(dashboard)
    assert.isAbove(queries.length, 10)

    // Some traffic first, so the HTTP histogram has series.
    await fetch(appUrl('/login'))
    const metrics = await scrape(appUrl('/metrics'))
    const exported = metrics.names

    const used = new Set<string>()
    for (const query of queries) {
      assert.isTrue(balanced(query), `unbalanced brackets in ${query}`)
      const names = query.match(/\bmailings_[a-zA-Z0-9_:]+/g) ?? []
      assert.isAbove(names.length, 0, `${query} names no mailings_ metric`)
      for (const name of names) {
        assert.isTrue(exported.has(name), `${name} (in ${query}) is not exported`)
        used.add(name.replace(/_(bucket|sum|count)$/, ''))
      }
    }

    // Every metric of the app's own (not prom-client's process metrics) has a panel.
    const appMetrics = [...exported].filter(
      (name) => !/^mailings_(process|nodejs)_/.test(name) && !/_(bucket|sum|count)$/.test(name)
    )
    assert.isAbove(appMetrics.length, 5)
    for (const name of appMetrics) assert.isTrue(used.has(name), `${name} has no panel`)
  })

  test('Prometheus accepts every query of the dashboard, asked as Grafana asks it', async ({
    assert,
    cleanup,
  }) => {
    // A real Prometheus (Debian's package; npm test installs it) scraping
    // the suite's web server: a query it refuses, or one naming a function
    // it lacks, fails here rather than on an operator's screen. Whether the
    // panels move is the fleet test's to check, where mail is sent.
    const binary = prometheusProgram('prometheus')
    assert.isNotNull(binary, 'no prometheus: npm test unpacks one (scripts/lib/prometheus.js)')
    const prometheus = new DashboardPrometheus({
      binary: binary!,
      port: await freePort(),
      targets: [`localhost:${env.get('PORT')}`],
      token: METRICS_TOKEN,
      name: 'dashboard-test',
    })
    const from = Date.now()
    // Stopped even when it never became ready.
    cleanup(() => prometheus.stop())
    await prometheus.start()
    await fetch(appUrl('/login'))

    const panels = await prometheus.checkDashboard(from, Date.now() + 1000)
    assert.isAbove(panels.length, 10)
    const refused = panels.filter((panel) => panel.series.includes(null))
    assert.deepEqual(
      refused.map((panel) => panel.problem),
      []
    )
    assert.deepEqual(await prometheus.instances(), [`localhost:${env.get('PORT')}`])
  }).timeout(90_000)
})
