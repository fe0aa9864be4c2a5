import { readFileSync } from 'node:fs'

/**
 * A systemd unit file read the way systemd reads the parts the tests use:
 * sections of `Key=value` lines, a key given several times keeping every
 * value (Environment=), comments and blank lines skipped.
 */
export class SystemdUnit {
  readonly sections = new Map<string, Map<string, string[]>>()

  /**
   * `instance` is what a template unit (name@.service) is started with: it
   * replaces the `%i` specifier, as systemd does.
   */
  constructor(
    readonly path: string,
    instance = ''
  ) {
    let section: Map<string, string[]> | undefined
    for (const raw of readFileSync(path, 'utf8').split('\n')) {
      const line = raw.trim().replaceAll('%i', instance)
      if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
      const header = /^\[(.+)\]$/.exec(line)
      if (header) {
        section = new Map()
        this.sections.set(header[1], section)
        continue
      }
      const separator = line.indexOf('=')
      if (!section || separator < 1) throw new Error(`${path}: cannot read "${line}"`)
      const key = line.slice(0, separator).trim()
      section.set(key, [...(section.get(key) ?? []), line.slice(separator + 1).trim()])
    }
  }

  /**
   * The value systemd uses for a key set once (the last one when repeated).
   */
  get(section: string, key: string) {
    return this.sections.get(section)?.get(key)?.at(-1)
  }

  all(section: string, key: string) {
    return this.sections.get(section)?.get(key) ?? []
  }

  /**
   * ExecStart= as argv: words split on spaces, double quotes grouping.
   */
  command(key = 'ExecStart') {
    const value = this.get('Service', key)
    if (!value) throw new Error(`${this.path} has no ${key}=`)
    return words(value)
  }

  /**
   * Environment= assignments, in order (later ones win).
   */
  environment() {
    const variables: Record<string, string> = {}
    for (const assignment of this.all('Service', 'Environment').flatMap(words)) {
      const separator = assignment.indexOf('=')
      variables[assignment.slice(0, separator)] = assignment.slice(separator + 1)
    }
    return variables
  }

  /**
   * A duration setting (TimeoutStopSec=45, 1min 30s, 500ms) in milliseconds.
   */
  milliseconds(section: string, key: string) {
    const value = this.get(section, key)
    if (!value) throw new Error(`${this.path} has no ${key}=`)
    return systemdDuration(value)
  }
}

function words(value: string) {
  return [...value.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2])
}

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  min: 60_000,
  m: 60_000,
  h: 3_600_000,
}

export function systemdDuration(value: string) {
  let total = 0
  for (const [, amount, unit] of value.matchAll(/(\d+)\s*([a-z]*)/g)) {
    total += Number(amount) * (UNITS[unit || 's'] ?? Number.NaN)
  }
  return total
}

/**
 * An EnvironmentFile= (KEY=value lines, # comments): what systemd hands the
 * process.
 */
export function readEnvironmentFile(path: string) {
  const variables: Record<string, string> = {}
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const separator = line.indexOf('=')
    variables[line.slice(0, separator)] = line.slice(separator + 1)
  }
  return variables
}
