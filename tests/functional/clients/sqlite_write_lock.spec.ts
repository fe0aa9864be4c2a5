import { test } from '@japa/runner'
import { createRequire } from 'node:module'
import db from '@adonisjs/lucid/services/db'
import UpsertClients from '#actions/clients/upsert_clients'
import { createUser } from '#tests/helpers/users'

/**
 * A second connection to the same file, as another process has.
 */
interface RawSqlite {
  pragma(source: string): unknown
  prepare(source: string): { run(...values: unknown[]): unknown }
  close(): void
}
const Database = createRequire(import.meta.url)('better-sqlite3') as new (file: string) => RawSqlite

const sqlite = () => db.connection().dialect.name !== 'postgres'

/**
 * On SQLite a transaction that reads first and writes later fails at its
 * first write, without waiting, when another process committed in between
 * (SQLITE_BUSY_SNAPSHOT): a bulk upsert or an import running while a
 * worker settles deliveries failed at random. Another connection (what a
 * worker is) commits right after the upsert's first read here.
 */
test.group('SQLite: a transaction that reads before it writes', () => {
  test('a bulk upsert batch survives another process committing during it', async ({
    assert,
    cleanup,
  }) => {
    const { tenant } = await createUser()
    const knex = db.connection().getWriteClient()
    const other = new Database((knex.client.config.connection as { filename: string }).filename)
    // Not waiting: when the upsert holds the write lock, the other
    // connection (in this same process) steps aside instead of blocking it.
    other.pragma('busy_timeout = 0')
    cleanup(() => other.close())

    let committedBetween = false
    const commitAfterFirstRead = (_: unknown, query: { sql: string }) => {
      if (committedBetween || !/^\s*select .*\bclients\b/is.test(query.sql)) return
      committedBetween = true
      try {
        other
          .prepare("UPDATE tenants SET updated_at = datetime('now', '+1 second') WHERE id = ?")
          .run(tenant.id)
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error
      }
    }
    knex.on('query-response', commitAfterFirstRead)
    cleanup(() => {
      knex.off('query-response', commitAfterFirstRead)
    })

    const results = await UpsertClients.handle(tenant, [
      { email: 'first@example.com', fullName: 'First' },
      { email: 'second@example.com', fullName: 'Second' },
    ])

    assert.isTrue(committedBetween)
    assert.deepEqual(
      results.map((result) => result.outcome),
      ['created', 'created']
    )
    assert.lengthOf(await tenant.related('clients').query(), 2)
  }).skip(!sqlite(), 'SQLite only: PostgreSQL waits for row locks')
})
