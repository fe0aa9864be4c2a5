import { createReadStream } from 'node:fs'
import { CsvError, parse } from 'csv-parse'

export type CsvDelimiter = ',' | ';'

/**
 * Why an uploaded file cannot be read as CSV text.
 */
export type CsvFileProblem = 'empty' | 'binary' | 'utf16' | 'encoding'

export interface CsvFileInspection {
  problem: CsvFileProblem | null
  delimiter: CsvDelimiter
}

const CHUNK_SIZE = 64 * 1024
const PARSE_CHUNK_SIZE = 16 * 1024

/**
 * Reads an uploaded file once, before importing anything, to tell whether it
 * is UTF-8 text at all and which separator it uses. A file that fails here is
 * refused whole, so a spreadsheet saved in the wrong format never imports
 * half of its rows with garbled names.
 *
 * - a NUL byte means binary data (an image, a zip, an .xlsx renamed .csv);
 * - a UTF-16 byte order mark is Excel's "Unicode text", which we name;
 * - bytes that are not UTF-8 (Latin-1 or Windows-1252 exports) are refused;
 * - nothing but whitespace (after an optional BOM) is an empty file.
 */
export async function inspectCsvFile(path: string): Promise<CsvFileInspection> {
  // fatal: throw on invalid UTF-8 instead of replacing it; the BOM is dropped.
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let head = ''
  let hasText = false
  let isFirstChunk = true

  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_SIZE })) {
    const bytes = chunk as Buffer
    if (isFirstChunk) {
      isFirstChunk = false
      if (hasUtf16ByteOrderMark(bytes)) return { problem: 'utf16', delimiter: ',' }
    }
    if (bytes.includes(0)) return { problem: 'binary', delimiter: ',' }

    let text: string
    try {
      text = decoder.decode(bytes, { stream: true })
    } catch {
      return { problem: 'encoding', delimiter: ',' }
    }
    if (!hasText && /\S/u.test(text)) hasText = true
    if (head.length < CHUNK_SIZE) head += text
  }

  try {
    // A multi-byte character cut off by the end of the file.
    decoder.decode()
  } catch {
    return { problem: 'encoding', delimiter: ',' }
  }

  if (!hasText) return { problem: 'empty', delimiter: ',' }
  return { problem: null, delimiter: detectDelimiter(head) }
}

function hasUtf16ByteOrderMark(bytes: Buffer) {
  return (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  )
}

/**
 * Comma or semicolon, whichever appears more often outside quotes in the
 * first line (Excel writes semicolons where the decimal mark is a comma).
 * A tie, such as a one-column file, means comma.
 */
export function detectDelimiter(text: string): CsvDelimiter {
  let commas = 0
  let semicolons = 0
  let quoted = false

  for (const char of text) {
    if (char === '"') quoted = !quoted
    else if (quoted) continue
    else if (char === ',') commas += 1
    else if (char === ';') semicolons += 1
    else if (char === '\n' || char === '\r') {
      if (commas + semicolons > 0) break
    }
  }
  return semicolons > commas ? ';' : ','
}

/**
 * A record of the file: its cells, and the line it starts on (what a text
 * editor shows; a quoted cell may span several lines).
 */
export interface CsvRecord {
  line: number
  cells: string[]
}

/**
 * The file stops being CSV at a given line (a quote never closed...).
 */
export class MalformedCsvError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
    options?: ErrorOptions
  ) {
    super(`Line ${line}: ${reason}`, options)
  }
}

/**
 * The records of a CSV file, read as a stream with csv-parse: quoted cells
 * (with separators, quotes and line breaks inside), an optional BOM, spaces
 * around cells trimmed, blank lines skipped. Rows may have any number of
 * cells; checking them is the caller's business. A malformed file throws a
 * `MalformedCsvError` naming the line of the record that broke.
 */
export async function* readCsvRecords(
  path: string,
  delimiter: CsvDelimiter
): AsyncGenerator<CsvRecord> {
  const parser = parse({
    bom: true,
    delimiter,
    info: true,
    trim: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    // A runaway quoted cell stops the import instead of eating the memory.
    max_record_size: 256 * 1024,
  })
  // Small reads: csv-parse handles each one in a single synchronous pass.
  const file = createReadStream(path, { highWaterMark: PARSE_CHUNK_SIZE })
  file.on('error', (error) => parser.destroy(error))
  // A reader that stops early (break) destroys the parser; close the file too.
  parser.on('close', () => file.destroy())
  file.pipe(parser)

  // csv-parse reports the line a record ends on and counts skipped blank
  // lines; the line a record starts on follows from both. It counts a CRLF
  // inside a quoted cell as two lines (7.0.3), which we take back.
  let previousEndLine = 0
  let previousEmptyLines = 0
  let overcountedLines = 0
  const records = parser as AsyncIterable<{
    record: string[]
    info: { lines: number; empty_lines: number }
  }>
  try {
    for await (const { record, info } of records) {
      overcountedLines += countCrlf(record)
      const line = previousEndLine + 1 + (info.empty_lines - previousEmptyLines)
      previousEndLine = info.lines - overcountedLines
      previousEmptyLines = info.empty_lines
      yield { line, cells: record }
    }
  } catch (error) {
    if (error instanceof CsvError) {
      throw new MalformedCsvError(previousEndLine + 1, describeCsvError(error), { cause: error })
    }
    throw error
  }
}

function countCrlf(cells: string[]) {
  let count = 0
  for (const cell of cells) {
    if (cell.includes('\r')) count += cell.split('\r\n').length - 1
  }
  return count
}

function describeCsvError(error: CsvError) {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted cell is never closed (a " is missing)'
    case 'CSV_MAX_RECORD_SIZE':
      return 'this row is far too long (a " is probably missing)'
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a closing " is followed by other characters in the same cell'
    default:
      return error.message
  }
}
