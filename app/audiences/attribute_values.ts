import { DateTime } from 'luxon'
import type AttributeDefinition from '#models/attribute_definition'

export type AttributeValue = string | number | boolean
export type AttributeValues = Record<string, AttributeValue>

/**
 * Changes to a client's attributes: a value sets it, null clears it.
 */
export type AttributeChanges = Record<string, AttributeValue | null>

export interface AttributeError {
  key: string
  rule: string
  message: string
}

export const ATTRIBUTE_TEXT_MAX_LENGTH = 500
export const ATTRIBUTE_KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/
const NUMBER_LIMIT = 1e15
/**
 * A number as people write it: optional sign, digits, optional fraction,
 * optional exponent. Number() alone would also take "0x10", "0b101", "0o17"
 * and "Infinity", which nobody types into a "seats" field meaning 16.
 */
const DECIMAL_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/
const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'on'])
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'off'])

/**
 * Checks raw attribute values against the workspace's definitions, the one
 * rule book of every write path (client form, CSV import, API, sign-up
 * forms). Values may arrive typed (JSON) or as text (forms, CSV): "42" is a
 * number, "yes" a boolean, "2026-05-01" a date, a choice matches its case
 * aside and is stored as defined. Empty text or null clears the value.
 *
 * Returns the changes to apply and one error per refused key (unknown key,
 * wrong type, not a choice, too long).
 */
export function checkAttributeValues(
  definitions: Map<string, AttributeDefinition>,
  input: Record<string, unknown>
): { changes: AttributeChanges; errors: AttributeError[] } {
  const changes: AttributeChanges = {}
  const errors: AttributeError[] = []
  for (const [key, raw] of Object.entries(input)) {
    const definition = definitions.get(key)
    if (!definition) {
      errors.push({ key, rule: 'attribute.unknown', message: `Unknown attribute "${key}"` })
      continue
    }
    const parsed = parseAttributeValue(definition, raw)
    if ('error' in parsed) errors.push({ key, ...parsed.error })
    else changes[key] = parsed.value
  }
  return { changes, errors }
}

/**
 * One value against its definition: the stored value (null clears) or why
 * it is refused.
 */
export function parseAttributeValue(
  definition: AttributeDefinition,
  raw: unknown
): { value: AttributeValue | null } | { error: { rule: string; message: string } } {
  if (raw === null || raw === undefined) return { value: null }
  if (typeof raw === 'string' && raw.trim() === '') return { value: null }
  const label = definition.label

  switch (definition.type) {
    case 'text': {
      if (typeof raw !== 'string') return refuse('attribute.text', `${label} must be text`)
      const text = raw.trim()
      if (text.length > ATTRIBUTE_TEXT_MAX_LENGTH) {
        return refuse(
          'attribute.maxLength',
          `${label} must be at most ${ATTRIBUTE_TEXT_MAX_LENGTH} characters`
        )
      }
      return { value: text }
    }
    case 'number': {
      const number =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && DECIMAL_NUMBER.test(raw.trim())
            ? Number(raw.trim())
            : Number.NaN
      if (!Number.isFinite(number) || Math.abs(number) > NUMBER_LIMIT) {
        return refuse('attribute.number', `${label} must be a number`)
      }
      return { value: number }
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw }
      const word = String(raw).trim().toLowerCase()
      if (TRUE_WORDS.has(word)) return { value: true }
      if (FALSE_WORDS.has(word)) return { value: false }
      return refuse('attribute.boolean', `${label} must be yes or no`)
    }
    case 'date': {
      const text = typeof raw === 'string' ? raw.trim() : ''
      const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? DateTime.fromISO(text) : null
      if (!date?.isValid) return refuse('attribute.date', `${label} must be a date (YYYY-MM-DD)`)
      return { value: text }
    }
    case 'choice': {
      const text = typeof raw === 'string' ? raw.trim().toLowerCase() : null
      const choice = (definition.choices ?? []).find((option) => option.toLowerCase() === text)
      if (choice === undefined) {
        return refuse(
          'attribute.choice',
          `${label} must be one of: ${(definition.choices ?? []).join(', ')}`
        )
      }
      return { value: choice }
    }
  }
}

/**
 * A client's attributes after the changes (nulls removed).
 */
export function applyAttributeChanges(current: AttributeValues, changes: AttributeChanges) {
  const next: AttributeValues = { ...current }
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete next[key]
    else next[key] = value
  }
  return next
}

function refuse(rule: string, message: string) {
  return { error: { rule, message } }
}
