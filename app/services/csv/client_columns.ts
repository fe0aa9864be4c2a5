import { readCsvRecords, type CsvDelimiter } from '#services/csv/reader'
import { restoreFormula } from '#services/csv/export'

/**
 * How the columns of a client CSV file map to a client's fields, both ways.
 */

export type ClientColumn = 'email' | 'fullName' | 'comment'

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
}

export type ColumnMap = { email: number; fullName?: number; comment?: number }

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
 * name an email column. Columns we do not know are ignored (and reported).
 */
export function readColumnLayout(firstRow: string[]): ColumnLayout {
  if (firstRow.some((cell) => cell.includes('@'))) {
    return { kind: 'positional', columns: POSITIONAL }
  }

  const found: Partial<ColumnMap> = {}
  const ignored: string[] = []
  firstRow.forEach((cell, index) => {
    const column = HEADER_NAMES[normalizeHeader(cell)]
    if (column && found[column] === undefined) {
      found[column] = index
    } else if (cell !== '') {
      ignored.push(cell)
    }
  })

  if (found.email === undefined) {
    return { kind: 'no_email_column', found: firstRow.filter((cell) => cell !== '') }
  }
  return { kind: 'header', columns: { ...found, email: found.email }, ignored }
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
}

/**
 * A row's cells by field. Empty and missing cells are left out: on an
 * existing client they keep what is saved, so a file with only emails and
 * names never wipes comments.
 */
export function cellsToClientFields(cells: string[], columns: ColumnMap): ClientCells {
  const pick = (index: number | undefined) => {
    if (index === undefined) return undefined
    const value = cells[index]
    // A cell of our own export: back to the value it was (export.ts).
    return value === undefined || value === '' ? undefined : restoreFormula(value)
  }
  return {
    email: pick(columns.email),
    fullName: pick(columns.fullName),
    comment: pick(columns.comment),
  }
}

/**
 * A row with only empty cells (";;" lines left behind by spreadsheets).
 */
export function isBlankRow(cells: string[]) {
  return cells.every((cell) => cell === '')
}

/**
 * The export's columns, in order. The import reads them back (full_name and
 * comment by name; the other columns are ignored).
 */
export const EXPORT_HEADER = ['email', 'full_name', 'comment', 'unsubscribed_at', 'created_at']
