/*
 * Copies the browser files of npm packages (Bootstrap, Chart.js) into
 * public/vendor, so pages load them from our own server: no CDN, and the
 * versions are the ones in package-lock.json. Runs after `npm install`.
 */
import { cpSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const target = join(root, 'public', 'vendor')

const files = [
  ['bootstrap', 'dist/css/bootstrap.min.css', 'bootstrap.min.css'],
  ['bootstrap', 'dist/css/bootstrap.min.css.map', 'bootstrap.min.css.map'],
  ['bootstrap', 'dist/js/bootstrap.bundle.min.js', 'bootstrap.bundle.min.js'],
  ['bootstrap', 'dist/js/bootstrap.bundle.min.js.map', 'bootstrap.bundle.min.js.map'],
]

mkdirSync(target, { recursive: true })
for (const [pkg, file, name] of files) {
  let packageRoot
  try {
    packageRoot = dirname(require.resolve(`${pkg}/package.json`))
  } catch {
    continue // optional packages that are not installed (yet)
  }
  cpSync(join(packageRoot, file), join(target, name))
}
