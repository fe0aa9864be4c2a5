/*
 * Copies the browser files of npm packages (Bootstrap, Chart.js, Scalar) so
 * pages load them from our own server: no CDN, and the versions are the ones
 * in package-lock.json. These packages are devDependencies: the browser
 * needs their files, the server never imports them.
 *
 *   node scripts/vendor_assets.js           into public/vendor (postinstall);
 *                                           a package not installed is skipped
 *   node scripts/vendor_assets.js <folder>  into <folder>, every file or exit 1
 *                                           (the build: scripts/finish_build.ts)
 */
import { cpSync, existsSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const requested = process.argv[2]
const target = requested ? resolve(requested) : join(root, 'public', 'vendor')

const files = [
  ['bootstrap', 'dist/css/bootstrap.min.css', 'bootstrap.min.css'],
  ['bootstrap', 'dist/css/bootstrap.min.css.map', 'bootstrap.min.css.map'],
  ['bootstrap', 'dist/js/bootstrap.bundle.min.js', 'bootstrap.bundle.min.js'],
  ['bootstrap', 'dist/js/bootstrap.bundle.min.js.map', 'bootstrap.bundle.min.js.map'],
  // The UMD build defines window.Chart for public/js/mailing_stats.js.
  ['chart.js', 'dist/chart.umd.min.js', 'chart.umd.min.js'],
  ['chart.js', 'dist/chart.umd.min.js.map', 'chart.umd.min.js.map'],
  // The API reference viewer (/docs/api), reading /api/v1/openapi.json.
  ['@scalar/api-reference', 'dist/browser/standalone.js', 'scalar-api-reference.js'],
]

/**
 * The folder a package is installed in, or null when it is not installed
 * (yet). Looked up along Node's own search path rather than with
 * `require.resolve('pkg/package.json')`, which packages that declare
 * "exports" without it (Chart.js) refuse.
 */
function packageRoot(pkg) {
  for (const modules of require.resolve.paths(pkg) ?? []) {
    const candidate = join(modules, pkg)
    if (existsSync(join(candidate, 'package.json'))) return candidate
  }
  return null
}

mkdirSync(target, { recursive: true })
for (const [pkg, file, name] of files) {
  const installedAt = packageRoot(pkg)
  if (installedAt) {
    cpSync(join(installedAt, file), join(target, name))
  } else if (requested) {
    // A build without them would serve pages whose styles and scripts 404.
    console.error(`vendor_assets: ${pkg} is not installed: run "npm ci" before "node ace build"`)
    process.exit(1)
  }
}
