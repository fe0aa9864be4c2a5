import type { ClientState } from '#models/client'

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
