import db from '@adonisjs/lucid/services/db'

/**
 * A pg client as Knex's pool hands it out.
 */
interface PostgresConnection {
  query(config: { name: string; text: string; values: unknown[] }): Promise<unknown>
}

/**
 * The SQL with `?` placeholders as PostgreSQL numbers them ($1, $2…),
 * worked out once per statement name. The statements given here use `?`
 * for values only (no `??` identifiers, no `?` inside literals).
 */
const numberedSql = new Map<string, string>()

function numbered(name: string, sql: string, bindings: unknown[]) {
  let text = numberedSql.get(name)
  if (text === undefined) {
    let position = 0
    text = sql.replace(/\?/g, () => `$${++position}`)
    if (position !== bindings.length) {
      throw new Error(`${name}: ${position} placeholders for ${bindings.length} values`)
    }
    numberedSql.set(name, text)
  }
  return text
}

/**
 * A raw statement run many times with different values, which PostgreSQL
 * parses and plans once per connection (a named prepared statement of the
 * pg driver) instead of at every call: the sending engine's claims,
 * settlements and attempt rows, hundreds a second per worker. `name` must
 * stand for one SQL text. On PostgreSQL it goes to a connection of Knex's
 * own pool without the query builder around it: for one statement per
 * message, Knex's work (binding positions, events, response shaping) cost
 * more CPU than the pg driver's. A connection that fails is marked by
 * Knex's own listeners and replaced at its next acquisition, as after any
 * query. Other dialects run it as an ordinary raw query.
 */
export async function preparedStatement(name: string, sql: string, bindings: unknown[]) {
  const connection = db.connection()
  if (connection.dialect.name !== 'postgres') return db.knexRawQuery(sql, bindings as any[])

  const pool = connection.getWriteClient().client
  const postgres: PostgresConnection = await pool.acquireConnection()
  try {
    return await postgres.query({ name, text: numbered(name, sql, bindings), values: bindings })
  } finally {
    await pool.releaseConnection(postgres)
  }
}

/**
 * The rows of a raw query's result: pg hands out a result holding them,
 * better-sqlite3 the rows themselves.
 */
export function rowsOf<Row>(result: unknown): Row[] {
  return Array.isArray(result) ? result : (result as { rows: Row[] }).rows
}
