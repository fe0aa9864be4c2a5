import vine from '@vinejs/vine'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type { FieldContext, Validation } from '@vinejs/vine/types'
import { AUDIENCES, PERIODICITIES } from '#models/mailing'
import { DELIVERY_STATUSES } from '#models/delivery'
import { pageFields } from '#services/database/pagination'
import { isRecordId, recordId } from '#validators/rules/record_id'
import { parseMailingTime } from '#services/mailings/mailing_time'
import type { TenantMeta } from '#validators/tenant_meta'
import { SEGMENT_MAX_TAGS_PER_CONDITION } from '#audiences/segment_definition'
import { workspaceTags } from '#validators/rules/workspace_tags'
import { oneOrMany } from '#validators/rules/one_or_many'

/**
 * The start or end as an instant, whether the parent holds it as written
 * or already read.
 */
function instantOf(value: unknown, timeZone: string) {
  if (DateTime.isDateTime(value)) return value
  return typeof value === 'string' ? parseMailingTime(value, timeZone) : null
}

const mailingTime = vine.createRule((value: unknown, _: undefined, field: FieldContext) => {
  if (typeof value !== 'string') return
  const { timeZone } = field.meta as TenantMeta
  if (!parseMailingTime(value, timeZone)) {
    field.report('Enter the {{ field }} as a date and time', 'dateTime', field)
  }
})

/**
 * A mailing time (see parseMailingTime), turned into an instant.
 */
const dateTime = (rule?: Validation<any>) => {
  const input = vine.string().trim().use(mailingTime())
  return (rule ? input.use(rule) : input).transform((value, field) => {
    const { timeZone } = field.meta as TenantMeta
    return parseMailingTime(value, timeZone)!
  })
}

/**
 * The end must come after the start (compared as instants: one may be
 * wall-clock time and the other an instant with an offset).
 */
const afterStartAt = vine.createRule((value: unknown, _: undefined, field: FieldContext) => {
  if (!field.isValid) return
  const { timeZone } = field.meta as TenantMeta
  const start = instantOf(field.parent?.startAt, timeZone)
  const end = instantOf(value, timeZone)
  if (start && end && end <= start) {
    field.report('The end must be after the start', 'afterStartAt', field)
  }
})

/**
 * Same, when the start is fixed (the mailing has started) and passed in
 * the metadata.
 */
const afterMetaStartAt = vine.createRule((value: unknown, _: undefined, field: FieldContext) => {
  if (!field.isValid) return
  const { startAt, timeZone } = field.meta as TenantMeta & { startAt: DateTime }
  const end = instantOf(value, timeZone)
  if (end && end <= startAt) {
    field.report('The end must be after the start', 'afterStartAt', field)
  }
})

/**
 * The message must be one of the workspace's own.
 */
const workspaceMessage = () =>
  recordId().exists(async (query, value, field) => {
    const { tenantId } = field.meta as TenantMeta
    return !!(await query.from('messages').where({ id: value, tenant_id: tenantId }).first())
  })

/**
 * The most clients a mailing may pick one by one (a larger audience is "all
 * clients" or a tag); more answers 422 on `clientIds` (`client_ids`).
 */
export const MAX_SELECTED_CLIENTS = 100_000

/**
 * Ids looked up per query: both databases cap the placeholders of one
 * statement (SQLite 32,766, PostgreSQL 65,535), which any accepted count
 * must stay under.
 */
const ID_LOOKUP_CHUNK = 1000

/**
 * Selected clients must all be the workspace's own; one foreign or unknown
 * id fails the whole field (nothing is silently dropped).
 */
const workspaceClients = vine.createRule(
  async (value: unknown, _: undefined, field: FieldContext) => {
    if (!Array.isArray(value) || !field.isValid || value.length === 0) return
    // Runs before the items' own rules (a form sends them as text): an item
    // that is no id gets its own error, and no query is made for it.
    const ids = [...new Set(value.map((id) => (typeof id === 'string' ? Number(id) : id)))]
    if (!ids.every((id) => typeof id === 'number' && isRecordId(id))) return
    const { tenantId } = field.meta as TenantMeta
    let found = 0
    for (let start = 0; start < ids.length; start += ID_LOOKUP_CHUNK) {
      const [row] = await db
        .from('clients')
        .where('tenant_id', tenantId)
        .whereIn('id', ids.slice(start, start + ID_LOOKUP_CHUNK))
        .count('* as total')
      found += Number(row.total)
    }
    if (found !== ids.length) {
      field.report('Some selected clients are not in this workspace', 'workspaceClients', field)
    }
  }
)

/**
 * The segment of the `segment` audience must be one of the workspace's own.
 */
const workspaceSegment = () =>
  recordId().exists(async (query, value, field) => {
    const { tenantId } = field.meta as TenantMeta
    return !!(await query.from('segments').where({ id: value, tenant_id: tenantId }).first())
  })

/**
 * As many tags as a segment's condition may have.
 */
export const MAX_AUDIENCE_TAGS = SEGMENT_MAX_TAGS_PER_CONDITION

const name = () => vine.string().trim().minLength(2).maxLength(200)
const endAt = () => dateTime(afterStartAt())

export const createMailingValidator = vine.withMetaData<TenantMeta>().compile(
  vine.object({
    name: name(),
    messageId: workspaceMessage(),
    audience: vine.enum(AUDIENCES),
    clientIds: vine
      .array(recordId())
      .parse(oneOrMany)
      .minLength(1)
      .maxLength(MAX_SELECTED_CLIENTS)
      .use(workspaceClients())
      .optional()
      .requiredWhen('audience', '=', 'selected'),
    tagIds: vine
      .array(recordId())
      .parse(oneOrMany)
      .minLength(1)
      .maxLength(MAX_AUDIENCE_TAGS)
      .use(workspaceTags())
      .optional()
      .requiredWhen('audience', '=', 'tags'),
    segmentId: workspaceSegment().optional().requiredWhen('audience', '=', 'segment'),
    periodicity: vine.enum(PERIODICITIES),
    startAt: dateTime(),
    endAt: endAt(),
  })
)

/**
 * Once a mailing has started, only its name and the end of its window may
 * change: recipients, message and schedule belong to runs that happened.
 */
export const updateStartedMailingValidator = vine
  .withMetaData<TenantMeta & { startAt: DateTime }>()
  .compile(
    vine.object({
      name: name(),
      endAt: dateTime(afterMetaStartAt()),
    })
  )

export const mailingFilterValidator = vine.compile(
  vine.object({
    status: vine
      .enum(['created', 'running', 'completed', 'paused', 'disabled', 'archived'] as const)
      .optional(),
    page: vine.number().withoutDecimals().min(1).optional(),
  })
)

/**
 * The API's mailing list query: page size and opaque cursor.
 */
export const apiMailingListValidator = vine.compile(vine.object({ ...pageFields() }))

/**
 * The API's delivery log query: filters, page size and opaque cursor.
 */
export const apiDeliveryListValidator = vine.compile(
  vine.object({
    status: vine.enum(DELIVERY_STATUSES).optional(),
    run: recordId().optional(),
    ...pageFields(),
  })
)
