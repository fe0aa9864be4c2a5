import knex from 'knex'
import { cpuSeconds } from './proc.js'

/**
 * The PostgreSQL settings a benchmark runs with (DB_HOST, DB_PORT, DB_USER,
 * DB_PASSWORD, DB_DATABASE), with the defaults of config/database.ts.
 */
export function postgresSettings(defaultDatabase: string) {
  return {
    host: process.env.DB_HOST ?? '127.0.0.1',
    port: Number(process.env.DB_PORT ?? 5432),
    user: process.env.DB_USER ?? 'postgres',
    password: process.env.DB_PASSWORD,
    database: process.env.DB_DATABASE ?? defaultDatabase,
  }
}

/**
 * Drops and creates a benchmark's database, so every run starts from the
 * same empty tables. Only a database whose name says it is a benchmark's
 * ("bench" in it) is dropped: pointing DB_DATABASE at real data by mistake
 * stops here.
 */
export async function recreateBenchDatabase(settings: ReturnType<typeof postgresSettings>) {
  const name = settings.database
  if (!/bench/i.test(name)) {
    throw new Error(
      `The benchmark drops and recreates DB_DATABASE ("${name}"): give it a database of its own, with "bench" in its name.`
    )
  }
  const admin = maintenanceConnection(settings)
  try {
    const quoted = `"${name.replaceAll('"', '""')}"`
    await admin.raw(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`)
    await admin.raw(`CREATE DATABASE ${quoted}`)
  } finally {
    await admin.destroy()
  }
}

export async function dropBenchDatabase(settings: ReturnType<typeof postgresSettings>) {
  if (!/bench/i.test(settings.database)) return
  const admin = maintenanceConnection(settings)
  try {
    await admin.raw(
      `DROP DATABASE IF EXISTS "${settings.database.replaceAll('"', '""')}" WITH (FORCE)`
    )
  } finally {
    await admin.destroy()
  }
}

/**
 * A connection to the server's maintenance database, to drop and create others.
 */
function maintenanceConnection(settings: ReturnType<typeof postgresSettings>) {
  return knex({
    client: 'pg',
    connection: { ...settings, database: 'postgres' },
    pool: { min: 0, max: 1 },
  })
}

/**
 * The CPU the PostgreSQL server spends for one database: the sum, over the
 * backend processes serving its sessions (one per connection, same machine),
 * of the CPU each used since `start()`. Sessions come and go (pools close
 * idle connections), so the list is sampled as often as `sample()` is
 * called and a backend's last reading is kept after it is gone. Background
 * processes (WAL writer, checkpointer, autovacuum) serve every database and
 * are left out.
 */
export class BackendCpu {
  #atStart = new Map<number, number>()
  #last = new Map<number, number>()

  constructor(private listBackends: () => Promise<number[]>) {}

  async start() {
    this.#atStart.clear()
    this.#last.clear()
    for (const pid of await this.listBackends()) {
      const seconds = cpuSeconds(pid)
      this.#atStart.set(pid, seconds)
      this.#last.set(pid, seconds)
    }
  }

  async sample() {
    for (const pid of await this.listBackends()) {
      const seconds = cpuSeconds(pid)
      if (seconds === 0 && this.#last.has(pid)) continue
      if (!this.#atStart.has(pid)) this.#atStart.set(pid, 0)
      this.#last.set(pid, seconds)
    }
  }

  /**
   * CPU seconds used by the database's backends since start().
   */
  seconds() {
    let total = 0
    for (const [pid, last] of this.#last) total += last - (this.#atStart.get(pid) ?? 0)
    return total
  }
}
