/**
 * The fleet under faults (docs/benchmarks.md, "Fleet under faults"): a
 * 50,000-recipient mailing sent by 2 web processes behind a proxy, 3
 * workers and 2 schedulers on PostgreSQL and a Redis of its own, while a
 * worker is killed, a web process and Redis are restarted and the
 * database connections are cut (bench/helpers/fleet/).
 *
 *   npm run bench:fleet
 *
 * Needs PostgreSQL (DB_HOST, DB_PORT, DB_USER, DB_PASSWORD; it creates and
 * drops the database FLEET_DATABASE, default mailings_fleet) and
 * redis-server on the PATH. The FLEET_* variables (README, "Running as a
 * fleet"; bench/helpers/fleet/settings.ts) choose the size, the faults,
 * their moments and durations, the timings and the ports; a bad value
 * stops it at once with a sentence (exit 2).
 */
import { formatReport, runFleet } from './helpers/fleet/run.js'
import { fleetOptionsFromEnv } from './helpers/fleet/settings.js'

const options = await fleetOptionsFromEnv({
  recipients: 50_000,
  database: 'mailings_fleet',
  log: (line) => console.log(line),
}).catch((error: Error) => {
  console.error(error.message)
  process.exit(2)
})
const report = await runFleet(options)
console.log(`\n${formatReport(report)}`)
process.exit(report.failures.length === 0 ? 0 : 1)
