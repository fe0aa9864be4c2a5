import type { QueryClientContract } from '@adonisjs/lucid/types/database'

/**
 * Whole-workspace changes to one attribute's stored values, as single
 * statements per dialect: `clients.attributes` is jsonb on PostgreSQL and
 * JSON text on SQLite (migration 37). Nothing is read into Node, so they
 * cost one pass over the workspace's clients however many there are.
 *
 * Keys are checked by ATTRIBUTE_KEY_PATTERN when defined and are still
 * bound as values here, never spliced into the SQL.
 */

function isPostgres(client: QueryClientContract) {
  return client.dialect.name === 'postgres'
}

/**
 * The SQLite JSON path of a key (`$."company"`): quoted, so it names the
 * key whatever it holds (the segment compiler uses it too).
 */
export function jsonPath(key: string) {
  return `$."${key}"`
}

/**
 * Removes the key from the workspace's clients: all of its values, or only
 * those among `values` (choices that no longer exist). Returns how many
 * clients changed.
 */
export async function removeAttributeValues(
  client: QueryClientContract,
  tenantId: number,
  key: string,
  values?: string[]
) {
  if (values && values.length === 0) return 0
  const only = values ? ` AND ${valueSql(client)} IN (${values.map(() => '?').join(', ')})` : ''
  const onlyBindings = values ? [valueBinding(client, key), ...values] : []
  if (isPostgres(client)) {
    const result = await client.rawQuery(
      `UPDATE clients SET attributes = attributes - ?::text
       WHERE tenant_id = ? AND attributes \\? ?${only}`,
      [key, tenantId, key, ...onlyBindings]
    )
    return Number(result.rowCount ?? 0)
  }
  const result = await client.rawQuery(
    `UPDATE clients SET attributes = json_remove(attributes, ?)
     WHERE tenant_id = ? AND json_type(attributes, ?) IS NOT NULL${only}`,
    [jsonPath(key), tenantId, jsonPath(key), ...onlyBindings]
  )
  return Number(result.changes ?? 0)
}

/**
 * Writes `to` wherever the key holds `from` (a choice whose spelling
 * changed, "gold" → "Gold").
 */
export async function replaceAttributeValue(
  client: QueryClientContract,
  tenantId: number,
  key: string,
  from: string,
  to: string
) {
  if (isPostgres(client)) {
    await client.rawQuery(
      `UPDATE clients SET attributes = jsonb_set(attributes, ARRAY[?]::text[], to_jsonb(?::text))
       WHERE tenant_id = ? AND attributes ->> ? = ?`,
      [key, to, tenantId, key, from]
    )
    return
  }
  await client.rawQuery(
    `UPDATE clients SET attributes = json_set(attributes, ?, ?)
     WHERE tenant_id = ? AND json_extract(attributes, ?) = ?`,
    [jsonPath(key), to, tenantId, jsonPath(key), from]
  )
}

/**
 * How many of the workspace's clients hold one of these values under the key.
 */
export async function countAttributeValues(
  client: QueryClientContract,
  tenantId: number,
  key: string,
  values: string[]
) {
  if (values.length === 0) return 0
  const [row] = await client
    .from('clients')
    .where('tenant_id', tenantId)
    .whereRaw(`${valueSql(client)} IN (${values.map(() => '?').join(', ')})`, [
      valueBinding(client, key),
      ...values,
    ])
    .count('* as total')
  return Number(row.total)
}

/**
 * The expression of a key's value as text, with one binding: the key.
 */
function valueSql(client: QueryClientContract) {
  return isPostgres(client) ? '(attributes ->> ?)' : 'json_extract(attributes, ?)'
}

function valueBinding(client: QueryClientContract, key: string) {
  return isPostgres(client) ? key : jsonPath(key)
}
