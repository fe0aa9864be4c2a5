import { extname } from 'node:path'
import vine from '@vinejs/vine'
import type { MultipartFile } from '@adonisjs/core/bodyparser'
import type { FieldContext } from '@vinejs/vine/types'
import uploadsConfig from '#config/uploads'
import { inspectCsvFile, MalformedCsvError } from '#services/csv/reader'
import { peekColumnLayout } from '#services/csv/client_columns'
import { clientComment, clientEmail, clientFullName } from '#validators/client'
import { clientAudienceFields, type AudienceMeta } from '#validators/client_audience'

/**
 * The largest CSV we import (config/uploads.ts). The upload stops being
 * written at this size, and the file gets this validator's sentence beside
 * the field; public/js/clients.js checks the same limit before upload.
 */
export const MAX_IMPORT_FILE_SIZE = uploadsConfig.clientImportMaxSize

const IMPORT_EXTENSIONS = ['csv', 'txt']

/**
 * The file must be named .csv or .txt, be UTF-8 text (not empty, binary,
 * UTF-16 or Latin-1: a PNG renamed .csv is caught here) and,
 * when its first row is a header, name an email column and have rows under
 * it. Reads the uploaded temporary file once, then its first rows; fast even
 * at the size limit. The sentences are in start/validator.ts (file.empty...).
 */
const clientCsvFile = vine.createRule(async (value: unknown, _: undefined, field: FieldContext) => {
  if (!field.isValid) return
  const file = value as MultipartFile
  if (!file.tmpPath) return

  // By the name the user gave it: the body parser guesses `extname` from the
  // content, which says nothing for an empty file. The content is checked next.
  const extension = extname(file.clientName).slice(1).toLowerCase()
  if (!IMPORT_EXTENSIONS.includes(extension)) {
    field.report('Choose a .csv file', 'file.extname', field)
    return
  }

  const { problem, delimiter } = await inspectCsvFile(file.tmpPath)
  if (problem) {
    field.report('This file cannot be read as CSV text', `file.${problem}`, field)
    return
  }

  try {
    const { layout, hasClientRows } = await peekColumnLayout(file.tmpPath, delimiter)
    if (!layout) {
      // Nothing but separators (";;" lines).
      field.report('The file is empty', 'file.empty', field)
    } else if (layout.kind === 'no_email_column') {
      field.report('The header row has no email column', 'file.noEmailColumn', field, {
        found: layout.found.join(', '),
      })
    } else if (!hasClientRows) {
      field.report('The file has no clients', 'file.noRows', field)
    }
  } catch (error) {
    // A malformed row is reported with its line by the import itself.
    if (!(error instanceof MalformedCsvError)) throw error
  }
})

export const clientImportValidator = vine.compile(
  vine.object({
    file: vine.file({ size: MAX_IMPORT_FILE_SIZE }).use(clientCsvFile()),
  })
)

/**
 * One row of an imported file, checked with the same field rules as the form.
 * Uniqueness is the import's business (it upserts by email).
 */
const clientRow = () =>
  vine.object({
    email: clientEmail(),
    fullName: clientFullName().optional(),
    comment: clientComment().optional(),
  })

export const clientImportRowValidator = vine.compile(clientRow())

/**
 * Many rows at once, with the same rules: one validation run for a whole API
 * bulk request instead of one per item (which costs about twice as much).
 * It fails as a whole; the rows are then checked one by one for their errors.
 */
export const clientRowsValidator = vine.compile(vine.array(clientRow()))

/**
 * One item of the API's bulk upsert: a row, plus tags to add or remove by
 * name and attributes to set or clear. Pass `{ meta: await audienceMeta(tenant) }`.
 */
const apiClientRow = () =>
  vine.object({ ...clientRow().getProperties(), ...clientAudienceFields() })

export const apiClientRowValidator = vine.withMetaData<AudienceMeta>().compile(apiClientRow())

/**
 * All the items of a bulk request at once (see clientRowsValidator).
 */
export const apiClientRowsValidator = vine
  .withMetaData<AudienceMeta>()
  .compile(vine.array(apiClientRow()))
