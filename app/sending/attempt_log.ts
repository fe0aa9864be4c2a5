import { setTimeout as sleep } from 'node:timers/promises'
import db from '@adonisjs/lucid/services/db'
import { preparedStatement } from '#services/database/prepared_statement'
import { isRefusedValue } from '#services/database/errors'
import { inSqliteTransaction } from '#services/database/sqlite_statements'

/**
 * One try of one delivery, as the `delivery_attempts` table stores it.
 */
export interface AttemptRow {
  delivery_id: number
  run_id: number
  outcome: 'sent' | 'transient' | 'permanent' | 'paused'
  smtp_code: number | null
  response: string
  duration_ms: number
  attempted_at: string
}

interface Waiting {
  row: AttemptRow
  written: () => void
  failed: (error: unknown) => void
}

/**
 * The most rows in one INSERT: SQLite takes up to 999 bound values, and an
 * attempt row has seven.
 */
const MOST_ROWS_PER_INSERT = 100

/**
 * How long a try waits for others to join its INSERT. A worker's batches
 * (twice as many as its SMTP connections) take turns on the connections, so
 * while one waits this long for its row, another's message is on the wire:
 * the wait costs the worker no throughput, and each INSERT (a commit, on
 * PostgreSQL a round trip) now carries the tries of several batches instead
 * of mostly one.
 */
const GROUP_WINDOW_MS = 1

/**
 * The attempt log with group commit: a try is written before its sender
 * moves on, and tries that end together (the batches a worker runs at once
 * share its event loop; GROUP_WINDOW_MS) are written by one INSERT instead
 * of one each. The
 * guarantee is unchanged (a message the server accepted is in the log before
 * the next message of its batch leaves); the statements per message drop.
 */
class AttemptLog {
  #waiting: Waiting[] = []
  #scheduled = false

  append(row: AttemptRow) {
    return new Promise<void>((written, failed) => {
      this.#waiting.push({ row, written, failed })
      if (this.#scheduled) return
      this.#scheduled = true
      // The answers the mail server gives meanwhile join the group.
      setTimeout(() => this.#writeWaiting(), GROUP_WINDOW_MS)
    })
  }

  async #writeWaiting() {
    while (this.#waiting.length > 0) {
      const group = this.#waiting.splice(0, MOST_ROWS_PER_INSERT)
      try {
        await writeWithRetries(group.map(({ row }) => row))
        for (const { written } of group) written()
      } catch (error) {
        // Only a refused value is worth finding row by row; a database
        // still away after the retries would fail every row in turn, each
        // waiting for its own connection.
        if (group.length === 1 || !isRefusedValue(error)) {
          for (const { failed } of group) failed(error)
        } else await writeOneByOne(group)
      }
    }
    this.#scheduled = false
  }
}

/**
 * A group is written as a whole, so one row the database refuses (a reply
 * text PostgreSQL cannot store, before replies were cleaned: smtp_outcomes.ts;
 * a constraint the row breaks) made every try of the group fail, and the
 * messages of all of them, which the servers had accepted, went out again
 * once their claims were stale. When the database refused a value of the
 * group (isRefusedValue), its rows are written one by one, each once: only
 * the offending try fails its batch.
 */
async function writeOneByOne(group: Waiting[]) {
  for (const { row, written, failed } of group) {
    try {
      await write([row])
      written()
    } catch (error) {
      failed(error)
    }
  }
}

/**
 * Pauses before each new try of a failed write, in ms (about 4 s in all).
 */
const RETRY_PAUSES_MS = [100, 300, 900, 2700]

/**
 * Writes the rows, trying again when the write fails: these tries went out,
 * and a row that is not written makes the batch fail and the message go out
 * a second time once the claim is stale. A cut database connection (a
 * restart, a failover, an idle-session killer) fails only the statements in
 * flight; the pool opens a new connection for the next try. A write that
 * failed after the database committed it leaves a row twice, which counts a
 * try twice but never sends a message twice.
 */
async function writeWithRetries(rows: AttemptRow[]) {
  for (const pause of RETRY_PAUSES_MS) {
    try {
      return await write(rows)
    } catch (error) {
      // Refused values are refused again: no use waiting for that.
      if (isRefusedValue(error)) throw error
      await sleep(pause)
    }
  }
  return write(rows)
}

const COLUMNS = [
  'delivery_id',
  'run_id',
  'outcome',
  'smtp_code',
  'response',
  'duration_ms',
  'attempted_at',
] as const

const INSERT_ONE = `INSERT INTO delivery_attempts (${COLUMNS.join(', ')})
  VALUES (${COLUMNS.map(() => '?').join(', ')})`

/**
 * The INSERT of `count` rows, for PostgreSQL.
 */
function insertOf(count: number) {
  const row = `(${COLUMNS.map(() => '?').join(', ')})`
  return `INSERT INTO delivery_attempts (${COLUMNS.join(', ')}) VALUES ${Array(count).fill(row).join(', ')}`
}

const inserts: string[] = []

/**
 * Writes rows to the log. On PostgreSQL tries pile up while an INSERT
 * travels, so groups hold a few rows; the INSERT of each group size is
 * prepared once per connection (parsing and planning it were most of the
 * server's work for a row). On SQLite every statement runs synchronously,
 * groups are mostly of one, and building and preparing the same INSERT for
 * every message cost more than the insert itself: there it runs as a
 * statement prepared once per connection (inSqliteTransaction).
 */
async function write(rows: AttemptRow[]) {
  const connection = db.connection()
  if (connection.dialect.name !== 'better-sqlite3') {
    inserts[rows.length] ??= insertOf(rows.length)
    return preparedStatement(
      `delivery_attempts_insert_${rows.length}`,
      inserts[rows.length],
      rows.flatMap((row) => COLUMNS.map((column) => row[column]))
    )
  }
  await inSqliteTransaction((statement) => {
    const insert = statement(INSERT_ONE)
    for (const row of rows) insert.run(...COLUMNS.map((column) => row[column]))
  })
}

export const attemptLog = new AttemptLog()
