/*
 * The CI-sized fleet test: 20,000 recipients through the whole fleet
 * (2 web processes behind a proxy, 3 workers, 2 schedulers, PostgreSQL, a
 * Redis of its own with its append-only file) while faults are injected;
 * the harness and its checks are bench/helpers/fleet/ (the same as
 * `npm run bench:fleet`, 50,000). Minutes of building and sending, on
 * PostgreSQL only, so it is its own suite, run when named
 * (`node ace test fleet`) and once by CI. FLEET_SEED replays a failed run;
 * FLEET_FAULTS and the other FLEET_* variables (README, "Running as a
 * fleet") pick other faults, moments, durations and timings.
 */
import { test } from '@japa/runner'
import env from '#start/env'
import { formatReport, runFleet } from '../../bench/helpers/fleet/run.js'
import { fleetOptionsFromEnv } from '../../bench/helpers/fleet/settings.js'

test.group('The fleet under faults', () => {
  test('sends every recipient once (bar what each fault had in hand), in one run', async ({
    assert,
  }) => {
    assert.equal(env.get('DB_CONNECTION'), 'postgres', 'the fleet runs on PostgreSQL')
    const options = await fleetOptionsFromEnv({
      recipients: 20_000,
      database: `${env.get('DB_DATABASE')}_fleet`.toLowerCase().replace(/[^a-z0-9_]/g, '_'),
      log: (line) => console.log(line),
    })
    // The dashboard is checked against the fleet (CI installs Prometheus).
    if (process.env.FLEET_PROMETHEUS !== '0') {
      assert.isNotNull(
        options.prometheus,
        'no prometheus: npm test unpacks one (or apt-get install --no-install-recommends prometheus); FLEET_PROMETHEUS=0 skips the dashboard check'
      )
    }
    const report = await runFleet(options)
    console.log(formatReport(report))
    assert.deepEqual(report.failures, [])
    // An empty FLEET_FAULTS is a plain run (bench:fleet's baseline), no test.
    assert.isAbove(report.faults.length, 0, 'the fleet test plans at least one fault')
    assert.deepEqual(
      report.faults.filter((fault) => !fault.injected).map((fault) => fault.kind),
      [],
      'every planned fault was injected'
    )
  }).timeout(30 * 60_000)
})
