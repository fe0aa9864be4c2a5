import vine from '@vinejs/vine'

/**
 * The largest id of a table with a 32-bit key (`increments`: every table but
 * deliveries and their attempts). PostgreSQL refuses a larger number
 * compared with such a column as an error (22003), which would be a 500; a
 * larger id cannot exist, so it is refused as input instead.
 */
export const MAX_RECORD_ID = 2_147_483_647

export function isRecordId(value: number) {
  return Number.isInteger(value) && value >= 1 && value <= MAX_RECORD_ID
}

/**
 * An id of a 32-bit key (a run, a workspace, a user, a page cursor...).
 */
export const recordId = () => vine.number().withoutDecimals().range([1, MAX_RECORD_ID])

/**
 * An id of the 64-bit keys (deliveries), as far as JavaScript counts exactly.
 */
export const bigRecordId = () => vine.number().withoutDecimals().range([1, Number.MAX_SAFE_INTEGER])
