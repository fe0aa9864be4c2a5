import type Tenant from '#models/tenant'
import { CLIENT_STATES } from '#models/client'
import { attributeDefinitionsOf } from '#audiences/attribute_definitions'
import {
  CREATED_OPERATORS,
  OPERATOR_LABELS,
  OPERATORS_BY_TYPE,
  STATE_OPERATORS,
  TAG_OPERATORS,
  VALUELESS_OPERATORS,
} from '#audiences/segment_definition'
import { ATTRIBUTE_FIELD_PREFIX } from '#validators/segment'

/**
 * One choice of the editor's field select, with the operators it takes and
 * the kind of value input it needs.
 */
export interface EditorField {
  value: string
  label: string
  input: 'tags' | 'state' | 'date' | 'text' | 'number' | 'boolean' | 'choice'
  choices: string[]
  operators: { value: string; label: string }[]
}

/**
 * What the segment editor offers: the fields a condition can be on (tags,
 * state, creation day, each attribute the workspace defined) and the
 * workspace's tags to pick from.
 */
export default class LoadSegmentEditor {
  static async handle(tenant: Tenant) {
    const definitions = await attributeDefinitionsOf(tenant.id)
    const tags = await tenant.related('tags').query().select('id', 'name').orderBy('name_key')
    const operators = (values: readonly string[]) =>
      values.map((value) => ({ value, label: OPERATOR_LABELS[value] ?? value }))

    const fields: EditorField[] = [
      {
        value: 'tags',
        label: 'Tags',
        input: 'tags',
        choices: [],
        operators: operators(TAG_OPERATORS),
      },
      {
        value: 'state',
        label: 'Subscription',
        input: 'state',
        choices: [...CLIENT_STATES],
        operators: operators(STATE_OPERATORS),
      },
      {
        value: 'created',
        label: 'Added on',
        input: 'date',
        choices: [],
        operators: operators(CREATED_OPERATORS),
      },
      ...[...definitions.values()].map((definition) => ({
        value: `${ATTRIBUTE_FIELD_PREFIX}${definition.key}`,
        label: definition.label,
        input: definition.type === 'date' ? ('date' as const) : definition.type,
        choices: definition.choices ?? [],
        operators: operators(OPERATORS_BY_TYPE[definition.type]),
      })),
    ]
    return { fields, tags, valuelessOperators: VALUELESS_OPERATORS, timeZone: tenant.timeZone }
  }
}
