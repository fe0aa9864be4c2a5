/**
 * Writes `count` generated rows (numbered from 1) into a table, 500 to a
 * statement: how the benchmarks that need a big workspace fill it. Call it
 * once the app is booted (the database service exists from then on).
 */
export async function insertChunks(
  table: string,
  count: number,
  row: (i: number) => Record<string, unknown>
) {
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const size = 500
  for (let start = 1; start <= count; start += size) {
    const rows = []
    for (let i = start; i < Math.min(start + size, count + 1); i++) rows.push(row(i))
    await db.table(table).multiInsert(rows)
  }
}
