/**
 * Text from outside (a mail server's reply) made storable in a column on
 * every supported database. PostgreSQL refuses a NUL character in any text
 * value (SQLSTATE 22021, "invalid byte sequence for encoding UTF8: 0x00"):
 * the statement fails however often it is tried again. The column's length
 * bounds it, counted in UTF-16 units, never more characters than a
 * varchar(maxLength) holds.
 */
export function storableText(text: string, maxLength: number) {
  return text.replaceAll('\u0000', '').slice(0, maxLength)
}
