import { rm } from 'node:fs/promises'
import { Ignitor } from '@adonisjs/core'

export const APP_ROOT = new URL('../../', import.meta.url)

/**
 * Boots the application inside a benchmark process: the committed test
 * configuration (.env.test, so no .env is needed), warnings only, and a
 * database of the benchmark's own, so development and test data are never
 * touched: `sqliteFile` (recreated), or the PostgreSQL database given in
 * DB_* when DB_CONNECTION=postgres and the benchmark supports it.
 */
export async function bootBenchApp(options: { sqliteFile: string; postgres?: boolean }) {
  process.env.NODE_ENV = 'test'
  process.env.LOG_LEVEL = 'warn'
  if (!options.postgres || process.env.DB_CONNECTION !== 'postgres') {
    process.env.DB_CONNECTION = 'sqlite'
    process.env.DB_DATABASE = options.sqliteFile
  }

  const app = new Ignitor(APP_ROOT, {
    importer: (filePath) =>
      filePath.startsWith('./') || filePath.startsWith('../')
        ? import(new URL(filePath, APP_ROOT).href)
        : import(filePath),
  })
    .tap((application) => application.booting(async () => void (await import('#start/env'))))
    .createApp('console')

  const removeSqliteFile = async () => {
    if (process.env.DB_CONNECTION !== 'sqlite') return
    for (const suffix of ['', '-wal', '-shm']) {
      await rm(new URL(`${options.sqliteFile}${suffix}`, APP_ROOT), { force: true })
    }
  }
  await removeSqliteFile()
  await app.init()
  await app.boot()
  await app.start(() => {})
  return { app, removeSqliteFile }
}
