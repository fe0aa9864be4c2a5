/*
 * Runs before `npm test`: the tests talk to a real Redis, drive a real
 * Chromium and run Prometheus (its promtool too), so make sure they are
 * there (or say how to get them).
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { ensureNodeVersion, ensureRedis, fail, readEnv } from './lib/services.js'
import { ensurePrometheus } from './lib/prometheus.js'

ensureNodeVersion()
await ensureRedis(readEnv('.env.test'))

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
if (!existsSync(chromium)) {
  if (process.getuid?.() !== 0) {
    fail(`The browser tests need Chromium at ${chromium}. Install it with: sudo apt-get install -y chromium`)
  }
  console.log('• Installing Chromium for the browser tests (apt-get install chromium)')
  const install = spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium'], {
    stdio: 'inherit',
  })
  if (install.status !== 0 || !existsSync(chromium)) {
    fail('Chromium could not be installed with apt-get. Install it by hand (apt-get install chromium) and run the tests again.')
  }
}

ensurePrometheus()
