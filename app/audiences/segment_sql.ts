import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import type { AttributeType } from '#models/attribute_definition'
import { attributeDefinitionsOf } from '#audiences/attribute_definitions'
import { jsonPath } from '#audiences/attribute_storage'
import type {
  AttributeCondition,
  CreatedCondition,
  SegmentCondition,
  SegmentDefinition,
  StateCondition,
  TagCondition,
} from '#audiences/segment_definition'
import { sqlTime } from '#services/database/sql_time'

/**
 * A piece of SQL and the values bound to its `?`: user input only ever
 * travels as bindings, never inside the text.
 */
export interface SqlFragment {
  sql: string
  bindings: (string | number)[]
}

/**
 * What a segment is compiled against: the workspace's attribute types and
 * tag ids (a condition on anything else matches nobody), its time zone (the
 * "created" days are its days), the database's dialect, and the alias of
 * the clients table in the query the fragment goes into.
 */
export interface SegmentContext {
  dialect: 'postgres' | 'sqlite'
  attributeTypes: Map<string, AttributeType>
  tagIds: Set<number>
  timeZone: string
  alias: string
}

export const MATCH_NOBODY: SqlFragment = { sql: '1 = 0', bindings: [] }
export const MATCH_EVERYONE: SqlFragment = { sql: '1 = 1', bindings: [] }

/**
 * The context of a workspace's segments: its attribute definitions and tag
 * ids in two small queries (at most a few hundred rows).
 */
export async function segmentContextOf(
  tenant: { id: number; timeZone: string },
  options: { alias?: string; client?: QueryClientContract } = {}
): Promise<SegmentContext> {
  const client = options.client ?? db.connection()
  const definitions = await attributeDefinitionsOf(tenant.id, client)
  const tags: { id: number }[] = await client
    .from('tags')
    .where('tenant_id', tenant.id)
    .select('id')
  return {
    dialect: client.dialect.name === 'postgres' ? 'postgres' : 'sqlite',
    attributeTypes: new Map([...definitions].map(([key, { type }]) => [key, type])),
    tagIds: new Set(tags.map((tag) => Number(tag.id))),
    timeZone: tenant.timeZone,
    alias: options.alias ?? 'c',
  }
}

/**
 * A segment as a boolean SQL expression over one row of `clients` (aliased
 * `context.alias`), to put in a WHERE beside `tenant_id = ?`: the run start's
 * INSERT … SELECT, the counts and the clients list all use it, so the
 * editor's preview matches whoever a run would list, except that a run
 * leaves out pending clients (mailingAudienceOf adds that) while the
 * preview counts them and says how many are pending.
 *
 * Every condition is evaluated on the row itself (JSON attributes, state
 * columns, creation time) or by a correlated probe of client_tags' (client_id,
 * tag_id) index, so a count reads the workspace's rows once and nothing is
 * loaded into Node. A condition on an attribute or a tag the workspace does
 * not have (deleted since, or never its own) matches nobody rather than
 * failing: a segment that outlived a tag must not turn into "everyone".
 */
export function compileSegment(
  definition: SegmentDefinition,
  context: SegmentContext
): SqlFragment {
  const parts = definition.conditions.map((condition) => compileCondition(condition, context))
  if (parts.length === 0) return definition.match === 'any' ? MATCH_NOBODY : MATCH_EVERYONE
  return join(parts, definition.match === 'any' ? 'OR' : 'AND')
}

function compileCondition(condition: SegmentCondition, context: SegmentContext) {
  switch (condition.field) {
    case 'tags':
      return tagCondition(condition, context)
    case 'attribute':
      return attributeCondition(condition, context)
    case 'state':
      return stateCondition(condition, context)
    case 'created':
      return createdCondition(condition, context)
    default:
      return MATCH_NOBODY
  }
}

function tagCondition({ op, tagIds }: TagCondition, { tagIds: own, alias }: SegmentContext) {
  const ids = [...new Set(tagIds)]
  if (ids.length === 0 || !ids.every((id) => own.has(id))) return MATCH_NOBODY
  const among = `FROM client_tags ct WHERE ct.client_id = ${alias}.id AND ct.tag_id IN (${placeholders(ids)})`
  switch (op) {
    case 'any':
      return { sql: `EXISTS (SELECT 1 ${among})`, bindings: ids }
    case 'none':
      return { sql: `NOT EXISTS (SELECT 1 ${among})`, bindings: ids }
    case 'all':
      // One (client_id, tag_id) pair per tag: all of them means as many rows as tags.
      return { sql: `(SELECT COUNT(*) ${among}) = ?`, bindings: [...ids, ids.length] }
    default:
      return MATCH_NOBODY
  }
}

function stateCondition({ op, value }: StateCondition, { alias }: SegmentContext) {
  const states: Record<string, string> = {
    subscribed: `${alias}.unsubscribed_at IS NULL AND ${alias}.pending_at IS NULL`,
    pending: `${alias}.unsubscribed_at IS NULL AND ${alias}.pending_at IS NOT NULL`,
    unsubscribed: `${alias}.unsubscribed_at IS NOT NULL`,
  }
  const state = states[value]
  if (!state) return MATCH_NOBODY
  return { sql: op === 'is_not' ? `NOT (${state})` : state, bindings: [] }
}

/**
 * Creation days are the workspace's days: "after 2026-05-01" starts at
 * midnight of the 2nd in its time zone, whatever that is in UTC.
 */
function createdCondition({ op, value }: CreatedCondition, context: SegmentContext) {
  const day = DateTime.fromISO(value, { zone: context.timeZone })
  if (!day.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return MATCH_NOBODY
  const column = `${context.alias}.created_at`
  if (op === 'before') return { sql: `${column} < ?`, bindings: [sqlTime(day.startOf('day'))] }
  if (op === 'after') {
    return { sql: `${column} >= ?`, bindings: [sqlTime(day.plus({ days: 1 }).startOf('day'))] }
  }
  return MATCH_NOBODY
}

/**
 * The JSON accessors of one attribute on both databases. The key is one the
 * workspace defined (lower-case letters, digits, underscores), and is bound
 * all the same.
 */
function accessors(key: string, { dialect, alias }: SegmentContext) {
  const column = `${alias}.attributes`
  if (dialect === 'postgres') {
    return {
      // ->> gives the text of a string, number or boolean; NULL when absent or null.
      text: { sql: `(${column} ->> ?::text)`, bindings: [key] },
      // 'string' | 'number' | 'boolean' | 'null'; NULL when absent.
      type: { sql: `jsonb_typeof(${column} -> ?::text)`, bindings: [key] },
    }
  }
  const path = jsonPath(key)
  return {
    // A string's text, a number, 1/0 for booleans; NULL when absent or null.
    text: { sql: `json_extract(${column}, ?)`, bindings: [path] },
    // 'text' | 'integer' | 'real' | 'true' | 'false' | 'null'; NULL when absent.
    type: { sql: `json_type(${column}, ?)`, bindings: [path] },
  }
}

function attributeCondition(condition: AttributeCondition, context: SegmentContext): SqlFragment {
  const type = context.attributeTypes.get(condition.key)
  if (!type) return MATCH_NOBODY
  const { text, type: jsonType } = accessors(condition.key, context)
  const pg = context.dialect === 'postgres'

  const empty = {
    sql: `COALESCE(${text.sql}, '') = ''`,
    bindings: text.bindings,
  }
  if (condition.op === 'empty') return empty
  if (condition.op === 'not_empty') return not(empty, context)

  const value = condition.value
  if (value === undefined || value === null) return MATCH_NOBODY

  switch (type) {
    case 'text':
    case 'choice': {
      // Case aside, Unicode letters too ("ZOË" = "zoë"): PostgreSQL's
      // lower() and ILIKE fold them, SQLite's lower() and LIKE fold ASCII
      // only, so SQLite uses unicode_lower() (registered on every
      // connection, config/database.ts). Segment conditions read JSON
      // values, which no index serves either way.
      const fold = pg ? 'lower' : 'unicode_lower'
      const equal = {
        sql: `${fold}(${text.sql}) = ${fold}(${pg ? '?::text' : '?'})`,
        bindings: [...text.bindings, String(value)],
      }
      if (condition.op === 'eq') return equal
      if (condition.op === 'neq') return not(equal, context)
      if (condition.op === 'contains' && type === 'text') {
        const pattern = `%${String(value).replace(/[\\%_]/g, '\\$&')}%`
        return pg
          ? { sql: `${text.sql} ILIKE ? ESCAPE '\\'`, bindings: [...text.bindings, pattern] }
          : {
              sql: `unicode_lower(${text.sql}) LIKE unicode_lower(?) ESCAPE '\\'`,
              bindings: [...text.bindings, pattern],
            }
      }
      return MATCH_NOBODY
    }
    case 'number': {
      const operator = { eq: '=', lt: '<', gt: '>', neq: '=' }[condition.op as string]
      const number = typeof value === 'number' ? value : Number(value)
      if (!operator || !Number.isFinite(number)) return MATCH_NOBODY
      // The cast only ever sees numbers: a value stored under another type
      // (a definition changed since) would make PostgreSQL's cast fail.
      const compared = pg
        ? {
            sql: `(CASE WHEN ${jsonType.sql} = 'number' THEN ${text.sql}::numeric END) ${operator} ?::numeric`,
            bindings: [...jsonType.bindings, ...text.bindings, number],
          }
        : {
            sql: `(${jsonType.sql} IN ('integer', 'real') AND ${text.sql} ${operator} ?)`,
            bindings: [...jsonType.bindings, ...text.bindings, number],
          }
      return condition.op === 'neq' ? not(compared, context) : compared
    }
    case 'date': {
      const operator = { eq: '=', before: '<', after: '>' }[condition.op as string]
      if (!operator || typeof value !== 'string') return MATCH_NOBODY
      // YYYY-MM-DD compares as text; "C" keeps PostgreSQL's collation from
      // weighing the hyphens differently.
      return {
        sql: pg ? `${text.sql} COLLATE "C" ${operator} ?::text` : `${text.sql} ${operator} ?`,
        bindings: [...text.bindings, value],
      }
    }
    case 'boolean': {
      if (condition.op !== 'eq' || typeof value !== 'boolean') return MATCH_NOBODY
      return pg
        ? {
            sql: `${jsonType.sql} = 'boolean' AND ${text.sql} = ?`,
            bindings: [...jsonType.bindings, ...text.bindings, String(value)],
          }
        : { sql: `${jsonType.sql} = ?`, bindings: [...jsonType.bindings, String(value)] }
    }
    default:
      return MATCH_NOBODY
  }
}

/**
 * The exact opposite of a condition: where it is NULL (no such value) the
 * opposite is true, so "≠ x" includes the clients without a value.
 */
function not(fragment: SqlFragment, { dialect }: SegmentContext): SqlFragment {
  const no = dialect === 'postgres' ? 'false' : '0'
  return { sql: `NOT COALESCE((${fragment.sql}), ${no})`, bindings: fragment.bindings }
}

/**
 * Parenthesised as a whole: the fragment is ANDed to `tenant_id = ?` by
 * callers, and an OR left bare would reach past the workspace.
 */
function join(parts: SqlFragment[], operator: 'AND' | 'OR'): SqlFragment {
  return {
    sql: `(${parts.map((part) => `(${part.sql})`).join(` ${operator} `)})`,
    bindings: parts.flatMap((part) => part.bindings),
  }
}

function placeholders(values: unknown[]) {
  return values.map(() => '?').join(', ')
}
