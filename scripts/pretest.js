/*
 * Runs before `npm test`: the tests talk to a real Redis, drive a real
 * Chromium and check configuration with Prometheus's promtool, so make sure
 * they are there (or say how to get them).
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { ensureNodeVersion, ensureRedis, fail, readEnv } from './lib/services.js'

ensureNodeVersion()
await ensureRedis(readEnv('.env.test'))

// What the tests run besides Node, by the Debian package that brings it:
// Chromium for the browser tests, promtool (Prometheus) for the deployment
// recipe's Prometheus configuration and the fleet test's dashboard check.
const programs = [
  { path: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', pkg: 'chromium' },
  { path: '/usr/bin/promtool', pkg: 'prometheus' },
]
const missing = programs.filter((program) => !existsSync(program.path))
if (missing.length > 0) {
  const packages = missing.map((program) => program.pkg).join(' ')
  if (process.getuid?.() !== 0) {
    fail(`The tests need ${missing.map((program) => program.path).join(' and ')}. Install with: sudo apt-get install -y ${packages}`)
  }
  console.log(`• Installing what the tests need (apt-get install ${packages})`)
  const install = spawnSync(
    'sh',
    ['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${packages}`],
    { stdio: 'inherit' }
  )
  if (install.status !== 0 || missing.some((program) => !existsSync(program.path))) {
    fail(`apt-get could not install ${packages}. Install by hand (apt-get install ${packages}) and run the tests again.`)
  }
}
