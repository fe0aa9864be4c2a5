import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'

/**
 * A transaction that reads before it writes. SQLite opens a transaction as
 * a reader and makes it a writer at its first write; if another process
 * (a worker settling deliveries) committed in between, that first write
 * fails at once with SQLITE_BUSY_SNAPSHOT — the busy timeout does not
 * apply, since waiting could not make the snapshot current. A no-op write
 * first takes the write lock while nothing has been read, so the busy
 * timeout makes it wait its turn instead (what `BEGIN IMMEDIATE` does,
 * which Knex cannot issue). PostgreSQL needs nothing of the sort.
 */
export function writeTransaction<T>(callback: (trx: TransactionClientContract) => Promise<T>) {
  return db.transaction(async (trx) => {
    if (trx.dialect.name !== 'postgres') {
      await trx.rawQuery('UPDATE tenants SET id = id WHERE 0')
    }
    return callback(trx)
  })
}
