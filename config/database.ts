import { mkdirSync } from 'node:fs'
import { dirname, isAbsolute } from 'node:path'
import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/lucid'

/**
 * A failed query's error message names the statement with `?` placeholders,
 * never with the values filled in (knex's default): the values are user data
 * (addresses, searches, 40,000 ids) and the message ends up in the logs.
 */
const errorsWithoutValues = { compileSqlOnError: false }

/**
 * The SQLite file (DB_DATABASE: relative to the app root, or absolute), with
 * its folder created here: better-sqlite3 creates a missing file but not a
 * missing folder, and tmp/ is not in git, so on a fresh clone every entry
 * point that opens the database before the quick start has run (the tests,
 * the benchmarks, the build's first migration) would die with "Cannot open
 * database because the directory does not exist".
 */
function sqliteFile(path: string) {
  const file = isAbsolute(path) ? path : app.makePath(path)
  mkdirSync(dirname(file), { recursive: true })
  return file
}

const dbConfig = defineConfig({
  connection: env.get('DB_CONNECTION'),

  connections: {
    sqlite: {
      ...errorsWithoutValues,
      client: 'better-sqlite3',
      connection: {
        filename: sqliteFile(env.get('DB_DATABASE') ?? 'tmp/db.sqlite3'),
      },
      useNullAsDefault: true,
      pool: {
        /**
         * WAL lets the web server and the workers read while one of them
         * writes; the busy timeout makes concurrent writers wait their turn
         * instead of failing with SQLITE_BUSY. In WAL mode, synchronous =
         * NORMAL syncs at checkpoints instead of at every commit: a process
         * crash loses nothing, a power cut may lose the last commits (the
         * SQLite documentation's recommended setting for WAL).
         *
         * unicode_lower(): SQLite's own lower() and LIKE fold ASCII letters
         * only, PostgreSQL's fold "Ë" and "É" too when the database's
         * LC_CTYPE is not C, so the segment compiler (app/audiences/segment_sql.ts) folds with
         * this on SQLite to pick the same clients on both. Deterministic,
         * so SQLite may use it anywhere lower() may; null stays null.
         */
        afterCreate: (connection: any, done: (error: Error | null, connection: any) => void) => {
          connection.pragma('journal_mode = WAL')
          connection.pragma('busy_timeout = 5000')
          connection.pragma('synchronous = NORMAL')
          connection.pragma('foreign_keys = ON')
          connection.function('unicode_lower', { deterministic: true }, (value: unknown) =>
            value === null ? null : String(value).toLowerCase()
          )
          done(null, connection)
        },
      },
      migrations: {
        naturalSort: true,
        paths: ['database/migrations'],
      },
    },

    postgres: {
      ...errorsWithoutValues,
      client: 'pg',
      connection: {
        host: env.get('DB_HOST', '127.0.0.1'),
        port: env.get('DB_PORT', 5432),
        user: env.get('DB_USER', 'postgres'),
        password: env.get('DB_PASSWORD'),
        database: env.get('DB_DATABASE', 'mailings'),
      },
      migrations: {
        naturalSort: true,
        paths: ['database/migrations'],
      },
    },
  },
})

export default dbConfig
