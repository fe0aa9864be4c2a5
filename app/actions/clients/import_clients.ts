import { performance } from 'node:perf_hooks'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import type Tenant from '#models/tenant'
import {
  inspectCsvFile,
  MalformedCsvError,
  readCsvRecords,
  type CsvDelimiter,
} from '#services/csv/reader'
import {
  cellsToClientFields,
  isBlankRow,
  readColumnLayout,
  type ClientCells,
  type ColumnMap,
} from '#services/csv/client_columns'
import UpsertClients, { type ClientUpsertRow } from '#actions/clients/upsert_clients'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { clientImportRowValidator } from '#validators/client_import'
import type AttributeDefinition from '#models/attribute_definition'
import { TAG_NAME_MAX_LENGTH } from '#models/tag'
import { attributeDefinitionsOf } from '#audiences/attribute_definitions'
import { checkAttributeValues } from '#audiences/attribute_values'
import { resolveTagChanges, tagLimitFieldError } from '#audiences/tag_changes'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * Rows written per statement: half of what UpsertClients takes, so a batch
 * holds the event loop (SQLite answers synchronously) for half as long.
 */
export const IMPORT_BATCH_SIZE = 500

/**
 * Work done between two turns of the event loop, so an import holds it for
 * a few milliseconds at a time (SQLite answers synchronously).
 */
const YIELD_EVERY_ROWS = 100

/**
 * The report lists this many invalid and duplicate rows (and counts them all).
 */
export const REPORTED_ROWS_LIMIT = 500

export interface ImportedRowIssue {
  line: number
  email: string
  reason: string
}

export interface ClientImportReport {
  /** Client rows read (blank lines and the header row not included). */
  rows: number
  created: number
  updated: number
  /** Already saved exactly so: nothing to write. */
  unchanged: number
  /** Same email as an earlier row of the file: the first one is kept. */
  duplicates: number
  /**
   * Rows saved (created, updated or unchanged) whose address is on the
   * suppression list: no mailing reaches them.
   */
  suppressed: number
  invalid: number
  invalidRows: ImportedRowIssue[]
  duplicateRows: ImportedRowIssue[]
  hasHeader: boolean
  /** Header cells that name neither a client field, `tags`, nor an attribute. */
  ignoredColumns: string[]
  /** The labels of the attributes the header's columns were read into. */
  attributeColumns: string[]
  hasTagsColumn: boolean
  delimiter: CsvDelimiter
  /** A malformed row ends the import; the rows before it are saved. */
  stoppedAt: { line: number; reason: string } | null
  durationMs: number
}

type ValidRow = ClientUpsertRow & { line: number; addTags?: string[] }

/**
 * Imports a CSV file of clients into a workspace: creates new emails,
 * updates the name and comment of known ones (never their unsubscribed
 * state), and reports every row it did not take, with its line. An address
 * on the suppression list is saved but stays unmailed, and the report counts
 * them: an import never quietly makes a suppressed address mailable.
 *
 * Decisions:
 * - Read as a stream, written in batches of 500 with one indexed query per
 *   batch to tell new emails from known ones (so "created" and "updated" are
 *   exact), and one upsert (`ON CONFLICT (tenant_id, email) DO UPDATE`).
 *   Between batches the event loop serves other requests.
 * - The same email twice in a file: the first row wins, later ones are
 *   skipped and listed ("same email as line 12").
 * - An empty cell keeps what is saved (a file of emails and names does not
 *   wipe comments). Rows that change nothing count as unchanged (skipped).
 * - Columns named after an attribute (key or label, any case) set it,
 *   checked by the same rules as every write (checkAttributeValues): a bad
 *   value makes the row invalid, with its line. A `tags` column adds tags
 *   (names separated by commas or semicolons; new names create tags, resolved
 *   once per batch); it never removes any. Other columns are reported as
 *   ignored.
 * - No transaction around the whole file: it would lock an SQLite database
 *   for every other writer during the import. Each batch is one statement;
 *   importing the same file again is harmless, so a failed import is simply
 *   retried.
 * - So the audit log gets one entry for the whole import, with its counts,
 *   once the last batch is written (its own transaction: there is none
 *   around the file to share); an import that fails midway gets one too,
 *   with what it had written and `failed`.
 *
 * The file is expected to have passed `clientImportValidator` (UTF-8 text,
 * not empty, a usable header if any).
 */
export default class ImportClients {
  static async handle(actor: Actor, tenant: Tenant, path: string): Promise<ClientImportReport> {
    const startedAt = performance.now()
    const { problem, delimiter } = await inspectCsvFile(path)
    if (problem) throw new Error(`The file cannot be imported: ${problem}`)

    const run = new ImportRun(tenant, delimiter, await attributeDefinitionsOf(tenant.id))
    try {
      try {
        for await (const { line, cells } of readCsvRecords(path, delimiter)) {
          await run.take(line, cells)
        }
      } catch (error) {
        if (!(error instanceof MalformedCsvError)) throw error
        run.report.stoppedAt = { line: error.line, reason: error.reason }
      }
      await run.flush()
    } catch (error) {
      // The batches written before the failure stay: the log says so.
      await ImportClients.#record(actor, tenant, run.report, { failed: true }).catch(() => {})
      throw error
    }

    run.report.durationMs = Math.round(performance.now() - startedAt)
    await ImportClients.#record(actor, tenant, run.report)
    return run.report
  }

  static async #record(
    actor: Actor,
    tenant: Tenant,
    report: ClientImportReport,
    { failed = false } = {}
  ) {
    const { rows, created, updated, unchanged, duplicates, invalid, suppressed } = report
    await writeTransaction((trx) =>
      RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: tenant.id,
          action: 'clients.import',
          subject: { type: 'client', id: null, label: `${rows} rows` },
          details: {
            rows,
            created,
            updated,
            unchanged,
            duplicates,
            invalid,
            suppressed,
            stoppedAtLine: report.stoppedAt?.line ?? null,
            ...(failed ? { failed: true } : {}),
          },
        },
        trx
      )
    )
  }
}

class ImportRun {
  report: ClientImportReport
  /** Known from the first row: a header, or email, full name, comment. */
  #columns: ColumnMap | null = null
  #pending: ValidRow[] = []
  /** Line of the first row of each email seen in the file. */
  #firstLineOf = new Map<string, number>()
  #rowsSinceYield = 0

  constructor(
    private tenant: Tenant,
    delimiter: CsvDelimiter,
    private attributeDefinitions: Map<string, AttributeDefinition>
  ) {
    this.report = {
      rows: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      duplicates: 0,
      suppressed: 0,
      invalid: 0,
      invalidRows: [],
      duplicateRows: [],
      hasHeader: false,
      ignoredColumns: [],
      attributeColumns: [],
      hasTagsColumn: false,
      delimiter,
      stoppedAt: null,
      durationMs: 0,
    }
  }

  async take(line: number, cells: string[]) {
    if (isBlankRow(cells)) return
    // Parsing and validating buffered rows never waits on I/O: every 100
    // rows, let waiting requests through.
    this.#rowsSinceYield += 1
    if (this.#rowsSinceYield >= YIELD_EVERY_ROWS) {
      this.#rowsSinceYield = 0
      await yieldToEventLoop()
    }

    if (!this.#columns) {
      const layout = readColumnLayout(cells, [...this.attributeDefinitions.values()])
      if (layout.kind === 'no_email_column') {
        throw new Error('The header row has no email column')
      }
      this.#columns = layout.columns
      if (layout.kind === 'header') {
        this.report.hasHeader = true
        this.report.ignoredColumns = layout.ignored
        this.report.attributeColumns = (layout.columns.attributes ?? []).map(
          ({ key }) => this.attributeDefinitions.get(key)!.label
        )
        this.report.hasTagsColumn = layout.columns.tags !== undefined
        return
      }
    }

    this.report.rows += 1
    const fields = cellsToClientFields(cells, this.#columns)
    const { tags, attributes, ...clientFields } = fields
    const [error, row] = await clientImportRowValidator.tryValidate(clientFields)
    const checked = checkAttributeValues(this.attributeDefinitions, attributes ?? {})
    const badTag = tags?.find((name) => name.length > TAG_NAME_MAX_LENGTH)
    if (error || checked.errors.length > 0 || badTag) {
      const reasons = [
        ...(error ? [reasonFor(error.messages, fields)] : []),
        ...checked.errors.map(({ message }) => message),
        ...(badTag ? [`The tag "${badTag}" is longer than ${TAG_NAME_MAX_LENGTH} characters`] : []),
      ]
      this.#invalid(line, fields.email ?? '', reasons.join('. '))
      return
    }

    const firstLine = this.#firstLineOf.get(row.email)
    if (firstLine !== undefined) {
      this.report.duplicates += 1
      this.#list(this.report.duplicateRows, {
        line,
        email: row.email,
        reason: `Same email as line ${firstLine}, which is kept`,
      })
      return
    }
    this.#firstLineOf.set(row.email, line)

    this.#pending.push({ ...row, line, attributes: checked.changes, addTags: tags })
    if (this.#pending.length >= IMPORT_BATCH_SIZE) await this.flush()
  }

  /**
   * Writes the pending rows (their tags resolved for the whole batch, then
   * one lookup and one upsert, see UpsertClients). Rows adding a new tag
   * once the workspace has reached its tag limit are reported invalid.
   */
  async flush() {
    const pending = this.#pending
    this.#pending = []
    if (pending.length === 0) return

    const tags = await resolveTagChanges(this.tenant.id, pending)
    const batch: ClientUpsertRow[] = []
    pending.forEach(({ line, addTags, ...row }, index) => {
      const tagIds = tags[index]
      if (tagIds) batch.push({ ...row, addTagIds: tagIds.addTagIds })
      else this.#invalid(line, row.email, tagLimitFieldError().message)
    })

    const results = await UpsertClients.handle(this.tenant, batch)
    for (const { outcome, suppressed } of results) {
      this.report[outcome] += 1
      if (suppressed) this.report.suppressed += 1
    }
    await yieldToEventLoop()
  }

  #invalid(line: number, email: string, reason: string) {
    this.report.invalid += 1
    this.#list(this.report.invalidRows, { line, email, reason })
  }

  #list(rows: ImportedRowIssue[], issue: ImportedRowIssue) {
    if (rows.length < REPORTED_ROWS_LIMIT) rows.push(issue)
  }
}

/**
 * Why a row was refused, in the report's words.
 */
function reasonFor(messages: { field: string; rule: string; message: string }[], row: ClientCells) {
  return messages
    .map(({ field, rule, message }) => {
      if (field === 'email' && rule === 'required') return 'The email is missing'
      if (field === 'email' && rule === 'email') {
        return `"${row.email}" is not a valid email address`
      }
      return message
    })
    .join('. ')
}
