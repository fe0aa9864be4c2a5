import db from '@adonisjs/lucid/services/db'

/**
 * A raw statement run many times with different values, which PostgreSQL
 * parses and plans once per connection (a named prepared statement of the
 * pg driver) instead of at every call: the sending engine's claims and
 * attempt rows, hundreds a second per worker. `name` must stand for one SQL
 * text. Other dialects run it as an ordinary raw query.
 */
export function preparedStatement(name: string, sql: string, bindings: unknown[]) {
  const query = db.knexRawQuery(sql, bindings as any[])
  return db.connection().dialect.name === 'postgres' ? query.options({ name }) : query
}

/**
 * The rows of a raw query's result: pg hands out a result holding them,
 * better-sqlite3 the rows themselves.
 */
export function rowsOf<Row>(result: unknown): Row[] {
  return Array.isArray(result) ? result : (result as { rows: Row[] }).rows
}
