import type { DateTime } from 'luxon'
import type Tenant from '#models/tenant'
import type AttributeDefinition from '#models/attribute_definition'
import ListClients, { type ClientListOptions } from '#actions/clients/list_clients'
import { attributeColumnHeader, EXPORT_HEADER } from '#services/csv/client_columns'
import { csvDownload } from '#services/csv/export'
import { tagsOfClients } from '#audiences/client_tags'
import { attributeDefinitionsOf } from '#audiences/attribute_definitions'
import type { AttributeValue } from '#audiences/attribute_values'

/**
 * Rows fetched per query while exporting.
 */
export const EXPORT_CHUNK_SIZE = 1000

/**
 * The workspace's clients as a CSV stream, with the list's search, filters
 * and sort:
 * a header row, then one row per client, read 1,000 at a time with the
 * list's keyset pagination (and the tags of the 1,000 in one more query),
 * so 100,000 clients never sit in memory and the download starts at once.
 * Starts with a BOM so Excel reads it as UTF-8 (the import accepts it back).
 * Times are ISO 8601, UTC. The state (subscribed, pending, unsubscribed)
 * tells whoever moves the clients elsewhere which ones not to mail; the
 * import never reads it back (EXPORT_HEADER): a file makes nobody
 * subscribed, pending or unsubscribed. Tags are one cell ("newsletter, VIP"), each
 * attribute a column of its own, written as the import reads them back
 * (booleans true/false, dates YYYY-MM-DD): export then import changes
 * nothing.
 */
export default class ExportClients {
  static async handle(tenant: Tenant, filters: Omit<ClientListOptions, 'after' | 'before'>) {
    const byKey = await attributeDefinitionsOf(tenant.id)
    const definitions = [...byKey.values()]
    const header = [
      ...EXPORT_HEADER,
      ...definitions.map((definition) => attributeColumnHeader(definition.key)),
    ]
    return csvDownload(header, exportRows(tenant, filters, definitions), {
      what: 'client',
      tenantId: tenant.id,
    })
  }
}

async function* exportRows(
  tenant: Tenant,
  filters: ClientListOptions,
  definitions: AttributeDefinition[]
) {
  let after: string | undefined
  do {
    const page = await ListClients.handle(tenant, {
      ...filters,
      after,
      perPage: EXPORT_CHUNK_SIZE,
    })
    const tags = await tagsOfClients(page.clients.map((client) => client.id))
    for (const client of page.clients) {
      yield [
        client.email,
        client.fullName,
        client.comment,
        client.state,
        isoTime(client.unsubscribedAt),
        isoTime(client.createdAt),
        (tags.get(client.id) ?? []).map((tag) => tag.name).join(', '),
        ...definitions.map((definition) => attributeCell(client.attributes[definition.key])),
      ]
    }
    after = page.nextCursor ?? undefined
  } while (after)
}

/**
 * Numbers stay numbers (never read as formulas); booleans are spelled out
 * (the CSV writer would write 1 and an empty cell).
 */
function attributeCell(value: AttributeValue | undefined) {
  if (value === undefined) return ''
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  return value
}

function isoTime(value: DateTime | null) {
  return value ? (value.toUTC().toISO({ suppressMilliseconds: true }) ?? '') : ''
}
