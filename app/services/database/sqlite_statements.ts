import db from '@adonisjs/lucid/services/db'

/**
 * A better-sqlite3 statement, as the sending engine uses it.
 */
export interface SqliteStatement {
  run(...values: unknown[]): unknown
  all(...values: unknown[]): unknown[]
}

interface SqliteConnection {
  prepare(sql: string): SqliteStatement
  transaction<T>(work: () => T): () => T
}

const prepared = new WeakMap<SqliteConnection, Map<string, SqliteStatement>>()

/**
 * Runs `work` in one transaction on a connection of the SQLite pool (taken
 * from Knex's pool like any query), with statements prepared once per
 * connection. For the statements the sending engine runs per message or per
 * slice: through Knex, building the SQL and preparing it again at each call
 * cost more than running it.
 */
export async function inSqliteTransaction<T>(
  work: (statement: (sql: string) => SqliteStatement) => T
): Promise<T> {
  const pool = db.connection().getWriteClient().client
  const sqlite: SqliteConnection = await pool.acquireConnection()
  try {
    let statements = prepared.get(sqlite)
    if (!statements) {
      statements = new Map()
      prepared.set(sqlite, statements)
    }
    const statement = (sql: string) => {
      let found = statements.get(sql)
      if (!found) {
        found = sqlite.prepare(sql)
        statements.set(sql, found)
      }
      return found
    }
    return sqlite.transaction(() => work(statement))()
  } finally {
    await pool.releaseConnection(sqlite)
  }
}
