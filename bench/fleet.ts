/**
 * The fleet under faults (docs/benchmarks.md, "Fleet under faults"): a
 * 50,000-recipient mailing sent by 2 web processes behind a proxy, 3
 * workers and 2 schedulers on PostgreSQL and a Redis of its own, while a
 * worker is killed, a web process and Redis are restarted and the
 * database connections are cut (bench/helpers/fleet/fleet.ts).
 *
 *   npm run bench:fleet
 *
 * Needs PostgreSQL (DB_HOST, DB_PORT, DB_USER, DB_PASSWORD; it creates and
 * drops the database FLEET_DATABASE, default mailings_fleet) and
 * redis-server on the PATH. Knobs: FLEET_RECIPIENTS (50000), FLEET_SEED
 * (replays a run's fault moments), FLEET_FAULTS (a comma list, default
 * kill-worker,restart-web,restart-redis,cut-pg; the harness lists the others),
 * FLEET_PROXY_PORT (3442), FLEET_WEB_PORT (3440 and the next),
 * FLEET_SMTP_PORT (2640), FLEET_REDIS_PORT (6391), FLEET_WORKERS (3),
 * FLEET_SCHEDULERS (2), FLEET_BOUND_MS, FLEET_SKIP_BUILD=1 (reuse build/),
 * FLEET_KEEP_DATABASE=1 (keep it to look at).
 */
import { fleetOptionsFromEnv, formatReport, runFleet } from './helpers/fleet/fleet.js'

const options = fleetOptionsFromEnv({
  recipients: 50_000,
  database: 'mailings_fleet',
  ports: { proxy: 3442, web: [3440, 3441], smtp: 2640, redis: 6391 },
  log: (line) => console.log(line),
})
const report = await runFleet(options)
console.log(`\n${formatReport(report)}`)
process.exit(report.failures.length === 0 ? 0 : 1)
