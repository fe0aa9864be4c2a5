/**
 * Errors of the database drivers, as they may be logged. Knex puts the
 * failed statement in front of the driver's message, and a statement can be
 * megabytes long (40,000 placeholders) and its driver message can quote a
 * value; the logs get the kind of error and where it was raised, nothing
 * of the query.
 */

/**
 * SQLite (better-sqlite3) errors carry an `SQLITE_...` code; PostgreSQL's
 * a five-character SQLSTATE with the server's `severity` and `routine`.
 */
export function databaseErrorKind(error: unknown): string | null {
  if (!error || typeof error !== 'object') return null
  const { code, severity, routine } = error as Record<string, unknown>
  if (typeof code === 'string' && code.startsWith('SQLITE_')) return code
  if (typeof code === 'string' && typeof severity === 'string' && typeof routine === 'string') {
    return `PostgreSQL ${code} (${routine})`
  }
  return null
}

/**
 * Constraint violations that callers answer themselves, by each driver's
 * code (better-sqlite3's extended code, PostgreSQL's SQLSTATE).
 */
const CONSTRAINT_CODES = {
  unique: ['SQLITE_CONSTRAINT_UNIQUE', '23505'],
  foreignKey: ['SQLITE_CONSTRAINT_FOREIGNKEY', '23503'],
}

export function isConstraintViolation(error: unknown, kind: keyof typeof CONSTRAINT_CODES) {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && CONSTRAINT_CODES[kind].includes(code)
}

/**
 * Whether the database refused the statement's values themselves (a value
 * it cannot store, a constraint): the same statement fails the same way
 * every time, and only leaving the offending row out helps. PostgreSQL's
 * SQLSTATE classes 22 (data exception) and 23 (integrity constraint);
 * SQLite's constraint, type and size errors.
 */
export function isRefusedValue(error: unknown) {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return false
  return (
    /^2[23][0-9A-Z]{3}$/.test(code) ||
    code.startsWith('SQLITE_CONSTRAINT') ||
    code === 'SQLITE_MISMATCH' ||
    code === 'SQLITE_TOOBIG'
  )
}

export class DatabaseError extends Error {
  readonly status = 500
  readonly code = 'E_DATABASE_ERROR'
}

/**
 * The error to log instead of a database driver's: its kind and stack
 * frames only. Any other error is returned as it is.
 */
export function withoutQuery(error: unknown) {
  const kind = databaseErrorKind(error)
  if (!kind) return error
  const safe = new DatabaseError(`Database error: ${kind}`)
  const frames = String((error as Error).stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
  safe.stack = [`DatabaseError: ${safe.message}`, ...frames].join('\n')
  return safe
}
