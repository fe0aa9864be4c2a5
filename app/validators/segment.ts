import vine from '@vinejs/vine'
import { isCalendarDay } from '#validators/rules/calendar_day'
import db from '@adonisjs/lucid/services/db'
import type { FieldContext, Infer } from '@vinejs/vine/types'
import type Tenant from '#models/tenant'
import type AttributeDefinition from '#models/attribute_definition'
import { CLIENT_STATES } from '#models/client'
import { attributeDefinitionsOf } from '#audiences/attribute_definitions'
import { parseAttributeValue } from '#audiences/attribute_values'
import {
  CREATED_OPERATORS,
  OPERATORS_BY_TYPE,
  SEGMENT_MAX_CONDITIONS,
  SEGMENT_MAX_TAGS_PER_CONDITION,
  STATE_OPERATORS,
  TAG_OPERATORS,
  VALUELESS_OPERATORS,
  type SegmentCondition,
  type SegmentDefinition,
} from '#audiences/segment_definition'
import { isRecordId } from '#validators/rules/record_id'
import { tenantMeta, type TenantMeta } from '#validators/tenant_meta'
import { oneOrMany } from '#validators/rules/one_or_many'

export const SEGMENT_NAME_MAX_LENGTH = 100

/**
 * What the segment rules check a condition against: the workspace's
 * attribute definitions and tag ids, and, when editing, the segment itself
 * (its name is its own).
 */
export interface SegmentMeta extends TenantMeta {
  attributes: Map<string, AttributeDefinition>
  tagIds: Set<number>
  segmentId?: number
}

export async function segmentMeta(tenant: Tenant, segmentId?: number): Promise<SegmentMeta> {
  const tags: { id: number }[] = await db.from('tags').where('tenant_id', tenant.id).select('id')
  return {
    ...tenantMeta(tenant),
    attributes: await attributeDefinitionsOf(tenant.id),
    tagIds: new Set(tags.map((tag) => Number(tag.id))),
    segmentId,
  }
}

/**
 * A condition row of the editor names its field in one select: `tags`,
 * `state`, `created` or `attribute:<key>`.
 */
export const ATTRIBUTE_FIELD_PREFIX = 'attribute:'

type FieldKind =
  | { kind: 'tags' | 'state' | 'created' }
  | { kind: 'attribute'; definition: AttributeDefinition }
  | null

function fieldOf(raw: unknown, meta: SegmentMeta): FieldKind {
  const name = typeof raw === 'string' ? raw.trim() : ''
  if (name === 'tags' || name === 'state' || name === 'created') return { kind: name }
  if (!name.startsWith(ATTRIBUTE_FIELD_PREFIX)) return null
  const definition = meta.attributes.get(name.slice(ATTRIBUTE_FIELD_PREFIX.length))
  return definition ? { kind: 'attribute', definition } : null
}

/**
 * The operators a row's field takes.
 */
export function operatorsOf(field: FieldKind): readonly string[] {
  if (!field) return []
  if (field.kind === 'tags') return TAG_OPERATORS
  if (field.kind === 'state') return STATE_OPERATORS
  if (field.kind === 'created') return CREATED_OPERATORS
  if (field.kind === 'attribute') return OPERATORS_BY_TYPE[field.definition.type]
  return []
}

function rowOf(field: FieldContext) {
  const row = (field.parent ?? {}) as Record<string, unknown>
  const meta = field.meta as SegmentMeta
  const kind = fieldOf(row.field, meta)
  const op = typeof row.op === 'string' ? row.op.trim() : ''
  return { row, meta, kind, op, operatorFits: operatorsOf(kind).includes(op) }
}

const knownField = vine.createRule((value: unknown, _: undefined, field: FieldContext) => {
  if (!fieldOf(value, field.meta as SegmentMeta)) {
    field.report('Choose a field (this one does not exist any more)', 'segment.field', field)
  }
})

const operatorOfField = vine.createRule((_value: unknown, _: undefined, field: FieldContext) => {
  const { kind, operatorFits } = rowOf(field)
  if (kind && !operatorFits) {
    field.report('Choose a condition that fits this field', 'segment.operator', field)
  }
})

/**
 * A row's value as the condition stores it: typed as its attribute
 * (parseAttributeValue, the rule book of attribute values), a state, a
 * day; an error when it does not fit.
 */
function valueOf(
  raw: unknown,
  field: FieldContext
): { value?: string | number | boolean } | { error: string } {
  const { kind, op, operatorFits } = rowOf(field)
  if (!kind || !operatorFits || kind.kind === 'tags' || VALUELESS_OPERATORS.includes(op)) {
    return {}
  }
  if (kind.kind === 'state') {
    return (CLIENT_STATES as readonly unknown[]).includes(raw)
      ? { value: raw as string }
      : { error: 'Choose a state' }
  }
  if (kind.kind === 'created') {
    const text = typeof raw === 'string' ? raw.trim() : ''
    return isCalendarDay(text) ? { value: text } : { error: 'Enter a date (YYYY-MM-DD)' }
  }
  if (kind.kind !== 'attribute') return {}
  const parsed = parseAttributeValue(kind.definition, raw)
  if ('error' in parsed) return { error: parsed.error.message }
  if (parsed.value === null) return { error: 'Enter a value' }
  return { value: parsed.value }
}

const valueOfField = vine.createRule((value: unknown, _: undefined, field: FieldContext) => {
  const parsed = valueOf(value, field)
  if ('error' in parsed) field.report(parsed.error, 'segment.value', field)
})

/**
 * The tags of a tags row: 1 to SEGMENT_MAX_TAGS_PER_CONDITION, all of the
 * workspace's own (another workspace's id is refused here, and would match
 * nobody if it got through).
 */
const tagsOfField = vine.createRule((value: unknown, _: undefined, field: FieldContext) => {
  const { kind, meta } = rowOf(field)
  if (kind?.kind !== 'tags') return
  const ids = value as unknown[]
  if (ids.length === 0) {
    field.report('Choose at least one tag', 'segment.tags', field)
  } else if (ids.length > SEGMENT_MAX_TAGS_PER_CONDITION) {
    field.report(`Choose at most ${SEGMENT_MAX_TAGS_PER_CONDITION} tags`, 'segment.tags', field)
  } else if (!ids.every((id) => typeof id === 'number' && meta.tagIds.has(id))) {
    field.report('Choose tags of this workspace', 'segment.tags', field)
  }
})

const uniqueName = vine.createRule(async (value: unknown, _: undefined, field: FieldContext) => {
  if (typeof value !== 'string' || !field.isValid) return
  const { tenantId, segmentId } = field.meta as SegmentMeta
  const taken = db.from('segments').where('tenant_id', tenantId).where('name', value)
  if (segmentId) taken.whereNot('id', segmentId)
  if (await taken.first()) {
    field.report('Another segment already has this name', 'segment.name.unique', field)
  }
})

/**
 * A lone value (one ticked box) or nothing as a list; ids sent as text
 * (a form) as numbers.
 */
function listOfIds(value: unknown) {
  const list = (oneOrMany(value) ?? []) as unknown[]
  return [...new Set(list.map((id) => (typeof id === 'string' ? Number(id) : id)))].map((id) =>
    typeof id === 'number' && isRecordId(id) ? id : null
  )
}

const conditionRow = vine.object({
  field: vine.string().trim().use(knownField()),
  op: vine.string().trim().use(operatorOfField()),
  value: vine
    .any()
    // Always present, so its rule runs (and says when one is missing).
    .parse((value) => (value === undefined || value === null ? '' : value))
    .use(valueOfField())
    .transform((value, field) => {
      const parsed = valueOf(value, field)
      return 'value' in parsed ? parsed.value : undefined
    }),
  tagIds: vine
    .any()
    .parse(listOfIds)
    .use(tagsOfField())
    .transform((value) => value as number[]),
})

/**
 * The segment editor's form: a name, all/any and the condition rows.
 * Pass `{ meta: await segmentMeta(tenant, segment?.id) }`.
 */
export const segmentValidator = vine.withMetaData<SegmentMeta>().compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(SEGMENT_NAME_MAX_LENGTH).use(uniqueName()),
    match: vine.enum(['all', 'any'] as const),
    conditions: vine
      .array(conditionRow)
      // A form whose rows were removed may send them keyed by sparse indexes.
      .parse((value) =>
        value && typeof value === 'object' && !Array.isArray(value) ? Object.values(value) : value
      )
      .minLength(1)
      .maxLength(SEGMENT_MAX_CONDITIONS),
  })
)

/**
 * The preview checks the conditions only: a segment being written may not
 * have its name yet.
 */
export const segmentPreviewValidator = vine.withMetaData<SegmentMeta>().compile(
  vine.object({
    match: vine.enum(['all', 'any'] as const),
    conditions: vine
      .array(conditionRow)
      .parse((value) =>
        value && typeof value === 'object' && !Array.isArray(value) ? Object.values(value) : value
      )
      .minLength(1)
      .maxLength(SEGMENT_MAX_CONDITIONS),
  })
)

type ConditionRows = Infer<typeof segmentPreviewValidator>

/**
 * The stored definition of the editor's validated rows.
 */
export function segmentDefinitionOf({ match, conditions }: ConditionRows): SegmentDefinition {
  return {
    match,
    conditions: conditions.map((row): SegmentCondition => {
      if (row.field === 'tags') {
        return { field: 'tags', op: row.op as 'any', tagIds: row.tagIds }
      }
      if (row.field === 'state') {
        return { field: 'state', op: row.op as 'is', value: row.value as 'subscribed' }
      }
      if (row.field === 'created') {
        return { field: 'created', op: row.op as 'before', value: row.value as string }
      }
      const key = row.field.slice(ATTRIBUTE_FIELD_PREFIX.length)
      const condition = { field: 'attribute' as const, key, op: row.op as 'eq' }
      return row.value === undefined ? condition : { ...condition, value: row.value }
    }),
  }
}

/**
 * A stored condition as an editor row (what the form's fields hold).
 */
export interface ConditionRow {
  field: string
  op: string
  value: string
  tagIds: number[]
}

export function conditionRowsOf(definition: SegmentDefinition): ConditionRow[] {
  return definition.conditions.map((condition) => {
    if (condition.field === 'tags') {
      return { field: 'tags', op: condition.op, value: '', tagIds: condition.tagIds }
    }
    if (condition.field === 'attribute') {
      return {
        field: `${ATTRIBUTE_FIELD_PREFIX}${condition.key}`,
        op: condition.op,
        value: condition.value === undefined ? '' : String(condition.value),
        tagIds: [],
      }
    }
    return { field: condition.field, op: condition.op, value: condition.value, tagIds: [] }
  })
}

/**
 * Rows as a form posted them, unchecked: what the editor shows again when a
 * row is added or removed (nothing is validated until a preview or a save).
 */
export function postedRows(value: unknown): ConditionRow[] {
  const list = Array.isArray(value)
    ? value
    : value && typeof value === 'object'
      ? Object.values(value)
      : []
  return list.slice(0, SEGMENT_MAX_CONDITIONS).map((raw) => {
    const row = (raw ?? {}) as Record<string, unknown>
    return {
      field: typeof row.field === 'string' ? row.field : '',
      op: typeof row.op === 'string' ? row.op : '',
      value: typeof row.value === 'string' ? row.value : '',
      tagIds: listOfIds(row.tagIds).filter((id): id is number => id !== null),
    }
  })
}
