/**
 * A list field as a form sends it: one ticked box or chosen option arrives
 * as a lone value (`ids=7`, not `ids[]=7`), several as a list. For
 * `vine.array(…).parse(oneOrMany)`: a lone value becomes a list of one,
 * a missing field stays missing (for `optional()`).
 */
export function oneOrMany(value: unknown) {
  return value === undefined || value === null || Array.isArray(value) ? value : [value]
}
