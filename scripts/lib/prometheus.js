/*
 * Prometheus for the tests (`promtool` checks the deployment's configuration;
 * the dashboard test and the fleet test run `prometheus`): the binaries of
 * Debian's package, unpacked into tmp/tools/prometheus rather than
 * installed, so no system service is enabled or started for them. A
 * `prometheus` already on the PATH is used as it is.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { commandExists, fail } from './services.js'

const FOLDER = 'tmp/tools/prometheus'
export const PROMETHEUS_BIN = `${FOLDER}/usr/bin`

export function ensurePrometheus() {
  if (commandExists('promtool') && commandExists('prometheus')) return
  if (existsSync(`${PROMETHEUS_BIN}/promtool`) && existsSync(`${PROMETHEUS_BIN}/prometheus`)) return

  console.log(`• Unpacking Debian's prometheus package into ${FOLDER} (promtool and prometheus for the tests)`)
  rmSync(FOLDER, { recursive: true, force: true })
  mkdirSync(FOLDER, { recursive: true })
  const download = () =>
    spawnSync('apt-get', ['download', 'prometheus'], { cwd: FOLDER, stdio: 'inherit' }).status === 0
  // A machine that never ran apt-get update has no package lists yet.
  const fetched =
    download() ||
    (process.getuid?.() === 0 &&
      spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' }).status === 0 &&
      download())
  const archive = readdirSync(FOLDER).find((name) => name.endsWith('.deb'))
  if (!fetched || !archive) {
    fail(
      'The tests need Prometheus (promtool and prometheus) and apt-get could not download its package. Run "sudo apt-get update" and the tests again, or install it: sudo apt-get install --no-install-recommends prometheus'
    )
  }
  const unpacked = spawnSync('dpkg-deb', ['-x', join(FOLDER, archive), FOLDER], { stdio: 'inherit' })
  rmSync(join(FOLDER, archive), { force: true })
  if (unpacked.status !== 0 || !existsSync(`${PROMETHEUS_BIN}/promtool`)) {
    fail(`dpkg-deb could not unpack the prometheus package into ${FOLDER}.`)
  }
}
