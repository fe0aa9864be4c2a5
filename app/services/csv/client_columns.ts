import { readCsvRecords, type CsvDelimiter } from '#services/csv/reader'
import { restoreFormula } from '#services/csv/export'

/**
 * How the columns of a client CSV file map to a client's fields, both ways.
 */

export type ClientColumn = 'email' | 'fullName' | 'comment' | 'tags'

/**
 * Header names we recognise, compared case-insensitively with spaces,
 * underscores, dashes and dots alike ("Full_Name", "E-mail", "full name").
 */
const HEADER_NAMES: Record<string, ClientColumn> = {
  'email': 'email',
  'e mail': 'email',
  'email address': 'email',
  'e mail address': 'email',
  'full name': 'fullName',
  'fullname': 'fullName',
  'name': 'fullName',
  'client name': 'fullName',
  'comment': 'comment',
  'comments': 'comment',
  'note': 'comment',
  'notes': 'comment',
  'tags': 'tags',
  'tag': 'tags',
}

/**
 * Columns the export writes for the reader's information and the import
 * never reads, whatever attributes the workspace has: a file cannot make
 * anyone subscribed, pending or unsubscribed (only the recipient's own
 * click, the confirmation mail and the business's write through the app
 * do), nor backdate a client. An attribute with one of these keys is
 * exported and read as `attributes.<key>`.
 */
const EXPORT_ONLY_HEADERS = new Set(['state', 'unsubscribed at', 'created at'])

/**
 * The `tags` column holds names separated by commas or semicolons
 * ("VIP, newsletter"); a tag name cannot contain either.
 */
export const TAGS_CELL_SEPARATOR = /[,;]/

export type ColumnMap = {
  email: number
  fullName?: number
  comment?: number
  tags?: number
  /** Attribute columns: the cell's index and the attribute's key. */
  attributes?: { index: number; key: string }[]
}

/**
 * What a header can name besides the client's own fields: the workspace's
 * attributes, by key or label.
 */
export interface AttributeHeader {
  key: string
  label: string
}

export type ColumnLayout =
  /** The first row names the columns, in any order. */
  | { kind: 'header'; columns: ColumnMap; ignored: string[] }
  /** No header: email, full name, comment, in this order. */
  | { kind: 'positional'; columns: ColumnMap }
  /** A header row without an email column. */
  | { kind: 'no_email_column'; found: string[] }

const POSITIONAL: ColumnMap = { email: 0, fullName: 1, comment: 2 }

function normalizeHeader(name: string) {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_.-]+/g, ' ')
}

/**
 * Decides from the first row whether the file has a header. A data row holds
 * an email address, so a first row without any "@" is a header; it must then
 * name an email column. A header names, in this order of precedence: a
 * client field (email, name, comment, tags), an attribute as
 * `attributes.<key>` (what the export writes when the key alone would read
 * as a client field), an attribute by key, an attribute by label (case,
 * spaces, underscores and dashes aside). The export's informational
 * columns (EXPORT_ONLY_HEADERS) and other columns are ignored (and
 * reported).
 */
export function readColumnLayout(
  firstRow: string[],
  attributes: AttributeHeader[] = []
): ColumnLayout {
  if (firstRow.some((cell) => cell.includes('@'))) {
    return { kind: 'positional', columns: POSITIONAL }
  }

  const found: Partial<Record<ClientColumn, number>> = {}
  const attributeColumns: { index: number; key: string }[] = []
  const ignored: string[] = []
  const attributeOf = attributeFinder(attributes)
  firstRow.forEach((cell, index) => {
    const prefixed = /^\s*attributes?\.(.+)$/i.exec(cell)
    const exportOnly = !prefixed && EXPORT_ONLY_HEADERS.has(normalizeHeader(cell))
    const column = prefixed ? undefined : HEADER_NAMES[normalizeHeader(cell)]
    const key = column || exportOnly ? undefined : attributeOf(prefixed ? prefixed[1] : cell)
    if (column && found[column] === undefined) {
      found[column] = index
    } else if (key && !attributeColumns.some((taken) => taken.key === key)) {
      attributeColumns.push({ index, key })
    } else if (cell !== '') {
      ignored.push(cell)
    }
  })

  if (found.email === undefined) {
    return { kind: 'no_email_column', found: firstRow.filter((cell) => cell !== '') }
  }
  return {
    kind: 'header',
    columns: { ...found, email: found.email, attributes: attributeColumns },
    ignored,
  }
}

/**
 * The key of the attribute a header names, by key first, then by label.
 */
function attributeFinder(attributes: AttributeHeader[]) {
  const byKey = new Map(attributes.map(({ key }) => [normalizeHeader(key), key]))
  const byLabel = new Map(attributes.map(({ key, label }) => [normalizeHeader(label), key]))
  return (header: string) => {
    const name = normalizeHeader(header)
    return byKey.get(name) ?? byLabel.get(name)
  }
}

/**
 * The export's header of an attribute column: its key, or
 * `attributes.<key>` when the key alone would be read as a client field
 * ("name", "notes", "tags"...) or is one of the export's informational
 * columns ("state", "created_at"...).
 */
export function attributeColumnHeader(key: string) {
  const header = normalizeHeader(key)
  return HEADER_NAMES[header] || EXPORT_ONLY_HEADERS.has(header) ? `attributes.${key}` : key
}

/**
 * The layout of a file and whether any client row follows the header, read
 * from its first rows only (for the upload form's checks).
 */
export async function peekColumnLayout(path: string, delimiter: CsvDelimiter) {
  let layout: ColumnLayout | null = null
  for await (const { cells } of readCsvRecords(path, delimiter)) {
    if (isBlankRow(cells)) continue
    if (layout) return { layout, hasClientRows: true }
    layout = readColumnLayout(cells)
    if (layout.kind !== 'header') return { layout, hasClientRows: true }
  }
  return { layout, hasClientRows: false }
}

export interface ClientCells {
  email?: string
  fullName?: string
  comment?: string
  /** The tag names of the `tags` cell. */
  tags?: string[]
  /** Attribute cells by key, as text (checked by checkAttributeValues). */
  attributes?: Record<string, string>
}

/**
 * A row's cells by field. Empty and missing cells are left out: on an
 * existing client they keep what is saved, so a file with only emails and
 * names never wipes comments, and a `tags` cell only adds tags.
 */
export function cellsToClientFields(cells: string[], columns: ColumnMap): ClientCells {
  const pick = (index: number | undefined) => {
    if (index === undefined) return undefined
    const value = cells[index]
    // A cell of our own export: back to the value it was (export.ts).
    return value === undefined || value === '' ? undefined : restoreFormula(value)
  }
  const fields: ClientCells = {
    email: pick(columns.email),
    fullName: pick(columns.fullName),
    comment: pick(columns.comment),
  }
  const tags = pick(columns.tags)
    ?.split(TAGS_CELL_SEPARATOR)
    .map((name) => name.trim())
    .filter((name) => name !== '')
  if (tags?.length) fields.tags = tags
  for (const { index, key } of columns.attributes ?? []) {
    const value = pick(index)
    if (value !== undefined && value.trim() !== '') {
      fields.attributes ??= {}
      fields.attributes[key] = value
    }
  }
  return fields
}

/**
 * A row with only empty cells (";;" lines left behind by spreadsheets).
 */
export function isBlankRow(cells: string[]) {
  return cells.every((cell) => cell === '')
}

/**
 * The export's columns, in order, before one column per attribute
 * (attributeColumnHeader). The import reads them back (full_name, comment
 * and tags by name); state (subscribed, pending or unsubscribed),
 * unsubscribed_at and created_at are for information and never read.
 */
export const EXPORT_HEADER = [
  'email',
  'full_name',
  'comment',
  'state',
  'unsubscribed_at',
  'created_at',
  'tags',
]
