/*
 * The CI-sized fleet test: 20,000 recipients through the whole fleet
 * (2 web processes behind a proxy, 3 workers, 2 schedulers, PostgreSQL, a
 * Redis of its own with its append-only file) while faults are injected
 * at random moments; the harness and its checks are bench/helpers/fleet/
 * (the same as `npm run bench:fleet`, 50,000). Minutes of building and
 * sending, on PostgreSQL only, so it is its own suite, run when named
 * (`node ace test fleet`) and once by CI. FLEET_SEED replays a failed run;
 * FLEET_FAULTS picks other faults.
 */
import { test } from '@japa/runner'
import env from '#start/env'
import {
  fleetOptionsFromEnv,
  formatReport,
  runFleet,
  type FleetReport,
} from '../../bench/helpers/fleet/fleet.js'

test.group('The fleet under faults', () => {
  test('sends every recipient once (bar what a fault had in hand), in one run', async ({
    assert,
  }) => {
    assert.equal(env.get('DB_CONNECTION'), 'postgres', 'the fleet runs on PostgreSQL')
    const options = fleetOptionsFromEnv({
      recipients: 20_000,
      database: `${env.get('DB_DATABASE')}_fleet`.replace(/[^a-z0-9_]/gi, '_'),
      ports: { proxy: 3447, web: [3445, 3446], smtp: 2645, redis: 6393 },
      log: (line) => console.log(line),
    })
    const report: FleetReport = await runFleet(options)
    console.log(formatReport(report))
    assert.deepEqual(report.failures, [])
    assert.isAtLeast(report.faults.filter((f) => !f.outcome.startsWith('not injected')).length, 1)
  }).timeout(20 * 60_000)
})
