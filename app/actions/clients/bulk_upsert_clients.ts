import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import type Tenant from '#models/tenant'
import { clientImportRowValidator, clientRowsValidator } from '#validators/client_import'
import UpsertClients, {
  UPSERT_BATCH_SIZE,
  type ClientUpsertOutcome,
  type ClientUpsertRow,
} from '#actions/clients/upsert_clients'

export interface ItemError {
  field: string
  message: string
  rule: string
}

export type BulkUpsertItemResult =
  | { outcome: ClientUpsertOutcome; id: number; email: string; suppressed: boolean }
  | { outcome: 'invalid'; email: string | null; errors: ItemError[] }

/**
 * Upserts many clients by email (the API's `POST /clients/bulk`): each item
 * is checked with the CSV import's row rules, so one bad item is reported
 * and the others are saved; valid ones are written 1,000 to a statement
 * (UpsertClients). The same email twice: the first item is kept, later ones
 * are reported invalid.
 *
 * Returns one result per item, in order.
 */
export default class BulkUpsertClients {
  static async handle(tenant: Tenant, items: unknown[]): Promise<BulkUpsertItemResult[]> {
    const results: BulkUpsertItemResult[] = new Array(items.length)
    const firstIndexOf = new Map<string, number>()
    const valid: { index: number; row: ClientUpsertRow }[] = []

    const checkedItems = await validateItems(items)
    for (const [index, checked] of checkedItems.entries()) {
      if (checked.error) {
        results[index] = { outcome: 'invalid', email: emailOf(items[index]), errors: checked.error }
        continue
      }
      const { row } = checked
      const first = firstIndexOf.get(row.email)
      if (first !== undefined) {
        results[index] = {
          outcome: 'invalid',
          email: row.email,
          errors: [{ field: 'email', rule: 'distinct', message: `Same email as item ${first}` }],
        }
        continue
      }
      firstIndexOf.set(row.email, index)
      valid.push({ index, row })
    }

    for (let start = 0; start < valid.length; start += UPSERT_BATCH_SIZE) {
      const batch = valid.slice(start, start + UPSERT_BATCH_SIZE)
      const saved = await UpsertClients.handle(
        tenant,
        batch.map(({ row }) => row)
      )
      batch.forEach(({ index, row }, i) => {
        results[index] = { ...saved[i], email: row.email }
      })
      // SQLite answers synchronously: let waiting requests through.
      await yieldToEventLoop()
    }
    return results
  }
}

type CheckedItem = { row: ClientUpsertRow; error?: never } | { row?: never; error: ItemError[] }

/**
 * Every item checked with the CSV import's row rules: all at once (the usual
 * case, all valid), else one by one to tell which ones fail and why.
 */
async function validateItems(items: unknown[]): Promise<CheckedItem[]> {
  const [invalid, rows] = await clientRowsValidator.tryValidate(items)
  if (!invalid) return rows.map((row) => ({ row }))

  const checked: CheckedItem[] = []
  for (const item of items) {
    const [error, row] = await clientImportRowValidator.tryValidate(item)
    checked.push(error ? { error: error.messages } : { row })
  }
  return checked
}

function emailOf(item: unknown) {
  const email = (item as { email?: unknown } | null)?.email
  return typeof email === 'string' ? email : null
}
