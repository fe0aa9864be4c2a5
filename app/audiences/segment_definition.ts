import type { ClientState } from '#models/client'
import type { AttributeType } from '#models/attribute_definition'

/**
 * A segment: conditions combined with all (AND) or any (OR). Stored as JSON
 * in `segments.definition`, compiled to SQL by app/audiences/segment_sql.ts
 * and checked by app/validators/segment.ts.
 */
export interface SegmentDefinition {
  match: 'all' | 'any'
  conditions: SegmentCondition[]
}

export type SegmentCondition = TagCondition | AttributeCondition | StateCondition | CreatedCondition

/**
 * has any / all / none of these tags (ids of the workspace's tags).
 */
export interface TagCondition {
  field: 'tags'
  op: 'any' | 'all' | 'none'
  tagIds: number[]
}

export const ATTRIBUTE_OPERATORS = [
  'eq',
  'neq',
  'lt',
  'gt',
  'contains',
  'empty',
  'not_empty',
  'before',
  'after',
] as const
export type AttributeOperator = (typeof ATTRIBUTE_OPERATORS)[number]

/**
 * A custom attribute by key. Which operators apply depends on its type:
 * text eq/neq/contains, number eq/neq/lt/gt, date eq/before/after,
 * boolean eq, choice eq/neq; empty and not_empty for every type. `neq` is
 * the exact opposite of `eq` (a client without the value is "≠ x").
 */
export interface AttributeCondition {
  field: 'attribute'
  key: string
  op: AttributeOperator
  value?: string | number | boolean
}

export interface StateCondition {
  field: 'state'
  op: 'is' | 'is_not'
  value: ClientState
}

/**
 * The day the client was created, in the workspace's time zone (YYYY-MM-DD):
 * before = earlier days, after = later days.
 */
export interface CreatedCondition {
  field: 'created'
  op: 'before' | 'after'
  value: string
}

export const SEGMENT_MAX_CONDITIONS = 20
export const SEGMENT_MAX_TAGS_PER_CONDITION = 50

/**
 * How many segments a workspace may keep: each is counted on its own, so
 * the list and the mailing form stay quick.
 */
export const MAX_SEGMENTS_PER_WORKSPACE = 100

/**
 * The operators each attribute type takes (what the editor offers and the
 * validator accepts).
 */
export const OPERATORS_BY_TYPE: Record<AttributeType, readonly AttributeOperator[]> = {
  text: ['eq', 'neq', 'contains', 'empty', 'not_empty'],
  number: ['eq', 'neq', 'lt', 'gt', 'empty', 'not_empty'],
  date: ['eq', 'before', 'after', 'empty', 'not_empty'],
  boolean: ['eq', 'empty', 'not_empty'],
  choice: ['eq', 'neq', 'empty', 'not_empty'],
}

export const TAG_OPERATORS = ['any', 'all', 'none'] as const
export const STATE_OPERATORS = ['is', 'is_not'] as const
export const CREATED_OPERATORS = ['before', 'after'] as const

/**
 * Operators that take no value.
 */
export const VALUELESS_OPERATORS: readonly string[] = ['empty', 'not_empty']

/**
 * What the editor writes beside each operator.
 */
export const OPERATOR_LABELS: Record<string, string> = {
  eq: 'is',
  neq: 'is not',
  lt: 'is less than',
  gt: 'is greater than',
  contains: 'contains',
  empty: 'is empty',
  not_empty: 'is not empty',
  before: 'is before',
  after: 'is after',
  any: 'has any of',
  all: 'has all of',
  none: 'has none of',
  is: 'is',
  is_not: 'is not',
}
