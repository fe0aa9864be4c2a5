import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import type Tenant from '#models/tenant'
import { apiClientRowValidator, apiClientRowsValidator } from '#validators/client_import'
import { audienceMeta, type AudienceMeta } from '#validators/client_audience'
import UpsertClients, {
  UPSERT_BATCH_SIZE,
  type ClientUpsertOutcome,
  type ClientUpsertRow,
} from '#actions/clients/upsert_clients'
import { resolveTagChanges, tagLimitFieldError, type TagNameChanges } from '#audiences/tag_changes'
import { writeTransaction } from '#services/database/write_transaction'

export interface ItemError {
  field: string
  message: string
  rule: string
}

export type BulkUpsertItemResult =
  | { outcome: ClientUpsertOutcome; id: number; email: string; suppressed: boolean }
  | { outcome: 'invalid'; email: string | null; errors: ItemError[] }

type ValidItem = ClientUpsertRow & TagNameChanges

/**
 * Upserts many clients by email (the API's `POST /clients/bulk`): each item
 * is checked with the CSV import's row rules (and the workspace's attribute
 * definitions), so one bad item is reported and the others are saved; valid
 * ones are written 1,000 to a statement (UpsertClients), their tags resolved
 * by name for the 1,000 at once (resolveTagChanges). The same email twice:
 * the first item is kept, later ones are reported invalid. An item adding a
 * new tag when the workspace has reached its tag limit is reported invalid
 * (`add_tags`).
 *
 * One audit entry for the call, with its counts, once the last batch is
 * written (as ImportClients: no transaction spans the batches).
 *
 * Returns one result per item, in order.
 */
export default class BulkUpsertClients {
  static async handle(
    actor: Actor,
    tenant: Tenant,
    items: unknown[]
  ): Promise<BulkUpsertItemResult[]> {
    const results: BulkUpsertItemResult[] = new Array(items.length)
    const firstIndexOf = new Map<string, number>()
    const valid: { index: number; row: ValidItem }[] = []

    const checkedItems = await validateItems(items, await audienceMeta(tenant))
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

    try {
      for (let start = 0; start < valid.length; start += UPSERT_BATCH_SIZE) {
        const slice = valid.slice(start, start + UPSERT_BATCH_SIZE)
        const tags = await resolveTagChanges(
          tenant.id,
          slice.map(({ row }) => row)
        )
        const batch: { index: number; row: ClientUpsertRow }[] = []
        slice.forEach(({ index, row }, i) => {
          const tagIds = tags[i]
          if (!tagIds) {
            results[index] = {
              outcome: 'invalid',
              email: row.email,
              errors: [tagLimitFieldError()],
            }
            return
          }
          // The validator's own output: completed in place (no copy of 1,000 rows).
          row.addTagIds = tagIds.addTagIds
          row.removeTagIds = tagIds.removeTagIds
          batch.push({ index, row })
        })
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
    } catch (error) {
      // The batches written before the failure stay: the log says so.
      await BulkUpsertClients.#record(actor, tenant, results.filter(Boolean), {
        failed: true,
      }).catch(() => {})
      throw error
    }
    await BulkUpsertClients.#record(actor, tenant, results)
    return results
  }

  static async #record(
    actor: Actor,
    tenant: Tenant,
    results: BulkUpsertItemResult[],
    { failed = false } = {}
  ) {
    const counts: Record<string, number | boolean> = { items: results.length }
    if (failed) counts.failed = true
    for (const { outcome } of results) counts[outcome] = Number(counts[outcome] ?? 0) + 1
    await writeTransaction((trx) =>
      RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: tenant.id,
          action: 'clients.bulk_upsert',
          subject: { type: 'client', id: null, label: `${results.length} items` },
          details: counts,
        },
        trx
      )
    )
  }
}

type CheckedItem = { row: ValidItem; error?: never } | { row?: never; error: ItemError[] }

/**
 * Every item checked with the CSV import's row rules: all at once (the usual
 * case, all valid), else one by one to tell which ones fail and why.
 */
async function validateItems(items: unknown[], meta: AudienceMeta): Promise<CheckedItem[]> {
  const [invalid, rows] = await apiClientRowsValidator.tryValidate(items, { meta })
  if (!invalid) return rows.map((row) => ({ row }))

  const checked: CheckedItem[] = []
  for (const item of items) {
    const [error, row] = await apiClientRowValidator.tryValidate(item, { meta })
    checked.push(error ? { error: error.messages } : { row })
  }
  return checked
}

function emailOf(item: unknown) {
  const email = (item as { email?: unknown } | null)?.email
  return typeof email === 'string' ? email : null
}
