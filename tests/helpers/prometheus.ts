import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Where npm test's pretest unpacks Debian's prometheus package
 * (scripts/lib/prometheus.js).
 */
const UNPACKED = fileURLToPath(new URL('../../tmp/tools/prometheus/usr/bin/', import.meta.url))

/**
 * The path of `prometheus` or `promtool`: the one on the PATH, else the
 * unpacked one, else null.
 */
export function prometheusProgram(name: 'prometheus' | 'promtool') {
  const folders = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), UNPACKED]
  return folders.map((folder) => join(folder, name)).find(isExecutable) ?? null
}

export function isExecutable(path: string) {
  try {
    accessSync(path, constants.X_OK)
    return statSync(path).isFile()
  } catch {
    return false
  }
}
