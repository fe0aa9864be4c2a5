import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import logger from '@adonisjs/core/services/logger'
import { stringify } from 'csv-stringify'

/**
 * Every CSV the app hands out is written by `csvExport`, so that no text a
 * client, a recipient or a mail server wrote can run as a spreadsheet
 * formula when the file is opened (CSV injection).
 */

/**
 * Spreadsheets run a cell starting with = + - @ (or a tab or carriage
 * return) as a formula: a client named "=HYPERLINK(...)" or an address such
 * as "=cmd|'/Ccalc'!A0@x.test" would become a link or a command. Such a
 * cell gets a leading apostrophe, as OWASP recommends, which spreadsheets
 * show as text. A value that already starts with apostrophes before such a
 * character gets one more, so that `restoreFormula` gives back exactly what
 * was exported.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/

export function neutralizeFormula(value: string) {
  return FORMULA_START.test(value) ? `'${value}` : value
}

/**
 * The import's side: a cell of one of our exports back to the value it was
 * (a file saved by a spreadsheet keeps the apostrophe as text).
 */
export function restoreFormula(value: string) {
  return value.startsWith("'") && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value
}

/**
 * A CSV stream with a header row, a BOM (so Excel reads it as UTF-8) and
 * every text cell neutralised; numbers and empty cells are left alone.
 */
export function csvExport(columns: string[]) {
  return stringify({
    bom: true,
    header: true,
    columns,
    cast: { string: (value) => neutralizeFormula(value) },
  })
}

/**
 * A download's CSV stream, fed by `rows` (read page by page, so a big list
 * never sits in memory and the download starts at once). Once the headers
 * are sent an error cannot become an error page: it is logged with
 * `context` and the download ends short, which the browser shows.
 */
export function csvDownload(
  columns: string[],
  rows: AsyncIterable<unknown[]>,
  context: { what: string } & Record<string, unknown>
) {
  const csv = csvExport(columns)
  const { what, ...fields } = context
  pipeline(Readable.from(rows), csv).catch((error) => {
    logger.error({ err: error, ...fields }, `${what} export failed`)
  })
  return csv
}
