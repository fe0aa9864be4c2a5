/**
 * The rows an UPDATE or DELETE changed, whatever form the driver reports it
 * in (a number, or [number] on some drivers).
 */
export function affectedRows(result: unknown) {
  return Number(Array.isArray(result) ? result[0] : result) || 0
}
