import { test } from '@japa/runner'
import AttributeDefinition from '#models/attribute_definition'
import { checkAttributeValues } from '#audiences/attribute_values'

function seats() {
  const definition = new AttributeDefinition()
  definition.fill({ key: 'seats', label: 'Seats', type: 'number', choices: null })
  return new Map([['seats', definition]])
}

/**
 * Number attributes take decimal notation only: what a person types in a
 * form or a CSV cell, never JavaScript's other notations (hex, binary,
 * octal, Infinity), which Number() alone would turn into other values.
 */
test.group('Attribute values: numbers', () => {
  const accepted: Array<[unknown, number]> = [
    ['42', 42],
    [' 42 ', 42],
    ['+7', 7],
    ['-7', -7],
    ['3.5', 3.5],
    ['3.', 3],
    ['.5', 0.5],
    ['-0.25', -0.25],
    ['1e3', 1000],
    ['2.5E-1', 0.25],
    ['010', 10],
    [12, 12],
    [-1.5, -1.5],
  ]
  for (const [raw, expected] of accepted) {
    test(`takes ${JSON.stringify(raw)} as ${expected}`, ({ assert }) => {
      const { changes, errors } = checkAttributeValues(seats(), { seats: raw })
      assert.deepEqual(errors, [])
      assert.strictEqual(changes.seats, expected)
    })
  }

  const refused: unknown[] = [
    '0x10',
    '0X1f',
    '0b101',
    '0o17',
    'Infinity',
    '-Infinity',
    'NaN',
    '1_000',
    '1,5',
    '12abc',
    '.',
    '-',
    'e5',
    '1e',
    '1e999',
    true,
    Number.POSITIVE_INFINITY,
  ]
  for (const raw of refused) {
    test(`refuses ${String(typeof raw === 'string' ? JSON.stringify(raw) : raw)}`, ({ assert }) => {
      const { changes, errors } = checkAttributeValues(seats(), { seats: raw })
      assert.deepEqual(changes, {})
      assert.deepEqual(errors, [
        { key: 'seats', rule: 'attribute.number', message: 'Seats must be a number' },
      ])
    })
  }
})
