import vine from '@vinejs/vine'
import db from '@adonisjs/lucid/services/db'
import type { FieldContext } from '@vinejs/vine/types'
import { ATTRIBUTE_TYPES, type AttributeType } from '#models/attribute_definition'
import { ATTRIBUTE_KEY_PATTERN } from '#audiences/attribute_values'
import {
  ATTRIBUTE_CHOICE_MAX_LENGTH,
  ATTRIBUTE_LABEL_MAX_LENGTH,
  ATTRIBUTE_MAX_CHOICES,
} from '#audiences/attribute_definitions'
import type { TenantMeta } from '#validators/tenant_meta'

type AttributeFormMeta = TenantMeta & { type?: AttributeType }

/**
 * The key placeholders, the API and CSV headers use: checked here with a
 * sentence that says what is allowed, and unique in the workspace.
 */
const attributeKey = vine.createRule(async (value: unknown, _: undefined, field: FieldContext) => {
  if (typeof value !== 'string' || !field.isValid) return
  if (!ATTRIBUTE_KEY_PATTERN.test(value)) {
    field.report(
      'Start with a lower-case letter, then lower-case letters, digits or underscores (at most 40), e.g. "company" or "signed_up"',
      'attribute.key',
      field
    )
    return
  }
  if (value in Object.prototype) {
    // `constructor` would read as a function on every client without a value.
    field.report(
      `"${value}" is a reserved word: choose another key`,
      'attribute.key.reserved',
      field
    )
    return
  }
  const { tenantId } = field.meta as AttributeFormMeta
  const taken = await db
    .from('attribute_definitions')
    .select('id')
    .where('tenant_id', tenantId)
    .where('key', value)
    .first()
  if (taken) {
    field.report(
      'Your workspace already has an attribute with this key',
      'attribute.key.unique',
      field
    )
  }
})

/**
 * The choices of a choice attribute, one per line in the form.
 */
export function splitChoices(text: string) {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
}

/**
 * 1 to 50 choices, each at most 100 characters, none twice: a value matches
 * its choice case aside (app/audiences/attribute_values.ts), so "Gold" and
 * "gold" are the same choice.
 */
const choiceList = vine.createRule((value: unknown, _: undefined, field: FieldContext) => {
  if (typeof value !== 'string') return
  const choices = splitChoices(value)
  if (choices.length === 0) {
    field.report('List the choices, one per line', 'attribute.choices', field)
    return
  }
  if (choices.length > ATTRIBUTE_MAX_CHOICES) {
    field.report(`List at most ${ATTRIBUTE_MAX_CHOICES} choices`, 'attribute.choices', field)
    return
  }
  const tooLong = choices.find((choice) => choice.length > ATTRIBUTE_CHOICE_MAX_LENGTH)
  if (tooLong) {
    field.report(
      `Each choice must be at most ${ATTRIBUTE_CHOICE_MAX_LENGTH} characters long`,
      'attribute.choices',
      field
    )
    return
  }
  const seen = new Set<string>()
  for (const choice of choices) {
    const key = choice.toLowerCase()
    if (seen.has(key)) {
      field.report(`“${choice}” is listed twice`, 'attribute.choices', field)
      return
    }
    seen.add(key)
  }
})

const label = () =>
  vine
    .string()
    .trim()
    .minLength(1)
    .maxLength(ATTRIBUTE_LABEL_MAX_LENGTH)
    .regex(/^[^\p{Cc}]*$/u)

const choices = () => vine.string().use(choiceList())

/**
 * A new attribute. The choices are read only for the type "choice".
 */
export const createAttributeValidator = vine.withMetaData<AttributeFormMeta>().compile(
  vine.object({
    key: vine.string().trim().use(attributeKey()),
    label: label(),
    type: vine.enum(ATTRIBUTE_TYPES),
    choices: choices().optional().requiredWhen('type', '=', 'choice').transform(splitChoices),
  })
)

/**
 * An attribute's edit form: the key and type stay as created (values,
 * placeholders and segments depend on them), the label and a choice list
 * change. Pass the attribute's type as `meta.type`. `clearRemoved` confirms
 * that values of removed choices are cleared.
 */
export const updateAttributeValidator = vine.withMetaData<AttributeFormMeta>().compile(
  vine.object({
    label: label(),
    choices: choices()
      .optional()
      .requiredWhen((field) => (field.meta as AttributeFormMeta).type === 'choice')
      .transform(splitChoices),
    clearRemoved: vine.boolean().optional(),
  })
)
