import type { DateTime } from 'luxon'
import type Tenant from '#models/tenant'
import ListClients, { type ClientListOptions } from '#actions/clients/list_clients'
import { EXPORT_HEADER } from '#services/csv/client_columns'
import { csvDownload } from '#services/csv/export'

/**
 * Rows fetched per query while exporting.
 */
export const EXPORT_CHUNK_SIZE = 1000

/**
 * The workspace's clients as a CSV stream, with the list's search and sort:
 * a header row, then one row per client, read 1,000 at a time with the
 * list's keyset pagination, so 100,000 clients never sit in memory and the
 * download starts at once. Starts with a BOM so Excel reads it as UTF-8
 * (the import accepts it back). Times are ISO 8601, UTC.
 */
export default class ExportClients {
  static handle(tenant: Tenant, filters: Pick<ClientListOptions, 'q' | 'sort' | 'dir'>) {
    return csvDownload(EXPORT_HEADER, exportRows(tenant, filters), {
      what: 'client',
      tenantId: tenant.id,
    })
  }
}

async function* exportRows(tenant: Tenant, filters: ClientListOptions) {
  let after: string | undefined
  do {
    const page = await ListClients.handle(tenant, {
      ...filters,
      after,
      perPage: EXPORT_CHUNK_SIZE,
    })
    for (const client of page.clients) {
      yield [
        client.email,
        client.fullName,
        client.comment,
        isoTime(client.unsubscribedAt),
        isoTime(client.createdAt),
      ]
    }
    after = page.nextCursor ?? undefined
  } while (after)
}

function isoTime(value: DateTime | null) {
  return value ? (value.toUTC().toISO({ suppressMilliseconds: true }) ?? '') : ''
}
