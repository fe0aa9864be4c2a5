import vine from '@vinejs/vine'
import { pageFields } from '#services/database/pagination'
import type { FieldContext } from '@vinejs/vine/types'
import type Tenant from '#models/tenant'
import { attributeDefinitionsOf } from '#audiences/attribute_definitions'
import {
  findPlaceholdersStartingUrls,
  findUnknownPlaceholders,
  placeholderList,
  sanitizeMessageHtml,
  TemplateSyntaxError,
} from '#sending/message_renderer'

export const SUBJECT_MAX_LENGTH = 250
export const BODY_TEXT_MAX_LENGTH = 100_000
export const BODY_HTML_MAX_LENGTH = 500_000

/**
 * A value that is only spaces counts as missing (reported as "required").
 */
const notBlank = vine.createRule((value: unknown, _: undefined, field: FieldContext) => {
  if (typeof value === 'string' && value.trim() === '') {
    field.report('Please fill in the {{ field }}', 'required', field)
  }
})

/**
 * What the placeholder checks know of the workspace: its attribute keys,
 * which `{{ client.attributes.<key> }}` may name.
 */
export interface MessageMeta {
  attributeKeys: ReadonlySet<string>
}

/**
 * The metadata to pass as `{ meta: await messageMeta(tenant) }`.
 */
export async function messageMeta(tenant: Tenant): Promise<MessageMeta> {
  const definitions = await attributeDefinitionsOf(tenant.id)
  return { attributeKeys: new Set(definitions.keys()) }
}

/**
 * Reports every tag that is not one of the placeholders (the three fixed
 * ones, or an attribute the workspace has), naming them,
 * or the sentence saying why the template cannot be read. Error sentences
 * live in start/validator.ts; the placeholders go in as arguments because
 * the messages provider would read "{{ client.phone }}" as one of its own.
 */
const knownPlaceholders = vine.createRule(
  (value: unknown, options: { html: boolean }, field: FieldContext) => {
    if (typeof value !== 'string' || !field.isValid) return

    const { attributeKeys } = field.meta as MessageMeta
    let unknown: string[]
    try {
      unknown = findUnknownPlaceholders(value, attributeKeys)
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error
      field.report('{{ problem }}', 'placeholders.syntax', field, { problem: error.message })
      return
    }

    if (unknown.length > 0) {
      field.report(
        'Unknown placeholder {{ placeholders }}. Use {{ allowed }}.',
        unknown.length === 1 ? 'placeholders.unknown' : 'placeholders.unknownMany',
        field,
        { placeholders: unknown.join(', '), allowed: placeholderList(attributeKeys) }
      )
      return
    }

    const inUrls = options.html ? findPlaceholdersStartingUrls(value) : []
    if (inUrls.length > 0) {
      field.report(
        '{{ placeholders }} cannot start a link or image address.',
        'placeholders.startsUrl',
        field,
        { placeholders: inUrls.join(', ') }
      )
    }
  }
)

/**
 * Replaces the HTML with its sanitised version, so the placeholder checks
 * that follow see exactly what will be stored.
 */
const sanitisedHtml = vine.createRule((value: unknown, _: undefined, field: FieldContext) => {
  if (typeof value !== 'string' || !field.isValid) return
  field.mutate(sanitizeMessageHtml(value), field)
})

/**
 * Textareas send Windows line endings; store one kind.
 */
const unixLineEndings = (value: string) => value.replace(/\r\n?/g, '\n')

export const messageValidator = vine.withMetaData<MessageMeta>().compile(
  vine.object({
    subject: vine
      .string()
      .trim()
      .use(notBlank())
      .maxLength(SUBJECT_MAX_LENGTH)
      .use(knownPlaceholders({ html: false }))
      // One line: it becomes the Subject header.
      .transform((value) => value.replace(/\s+/g, ' ')),
    bodyText: vine
      .string()
      .trim()
      .use(notBlank())
      .maxLength(BODY_TEXT_MAX_LENGTH)
      .use(knownPlaceholders({ html: false }))
      .transform(unixLineEndings),
    bodyHtml: vine
      .string()
      .trim()
      .maxLength(BODY_HTML_MAX_LENGTH)
      .use(sanitisedHtml())
      .use(knownPlaceholders({ html: true }))
      .transform((value) => unixLineEndings(value) || null)
      .optional(),
  })
)

/**
 * The API's list query: page size and opaque cursor.
 */
export const apiMessageListValidator = vine.compile(vine.object({ ...pageFields() }))
