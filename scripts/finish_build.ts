/*
 * `node ace build`'s last step (adonisrc.ts, hooks.onBuildCompleted): makes
 * build/ installable with production dependencies only.
 *
 * - The browser files (Bootstrap, Chart.js, Scalar) are copied into
 *   build/public/vendor now, from the source tree's node_modules, because
 *   their packages are devDependencies: `cd build && npm ci --omit=dev`
 *   does not install them.
 * - The build's package.json loses the postinstall script, which only copies
 *   those files in a development checkout: the build's install has nothing
 *   for it to copy, and the script is not in the build.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = new URL('../', import.meta.url)
// tsconfig.json's outDir, where the assembler writes the build.
const build = new URL('build/', root)

export default function finishBuild() {
  // The metaFiles copied the checkout's public/vendor: start from nothing,
  // so the build holds exactly the lock's files.
  const vendor = new URL('public/vendor', build)
  rmSync(vendor, { recursive: true, force: true })
  execFileSync(
    process.execPath,
    [fileURLToPath(new URL('scripts/vendor_assets.js', root)), fileURLToPath(vendor)],
    { stdio: ['ignore', 'inherit', 'inherit'] }
  )

  const manifestPath = new URL('package.json', build)
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
  delete manifest.scripts?.postinstall
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`)
}
