import db from '@adonisjs/lucid/services/db'

/**
 * Empties every table (but the migrations bookkeeping) so a run starts from
 * a known state even after an interrupted one.
 */
export async function truncateAllTables() {
  const connection = db.connection()
  const allTables = await connection.getAllTables(
    connection.dialect.name === 'postgres' ? ['public'] : undefined
  )
  const tables = allTables.filter((table) => !table.startsWith('adonis_schema'))
  for (const table of tables) {
    await connection.truncate(table, true)
  }
}
