import mimeFuncs from 'nodemailer/lib/mime-funcs/index.js'
import type Mail from 'nodemailer/lib/mailer/index.js'

/**
 * How a text part goes on the wire when it cannot go as plain 7-bit text.
 */
export type TransferEncoding = 'quoted-printable' | 'base64'

/**
 * Nodemailer's own choice for a text part, made once per batch instead of
 * once per message. Given none, nodemailer decides for each part of each
 * message it builds that is not plain ASCII in short lines (an HTML
 * newsletter never is) by counting its Latin letters and its other
 * characters with two global regular-expression matches, which build an
 * array entry per character: about a tenth of a worker's CPU a message
 * (docs/benchmarks.md, "Sending pipeline"). A recipient's name or link
 * rarely changes the answer for a whole part, so the batch's first
 * message decides for the rest (compileMessage), by nodemailer's rule: more
 * Latin letters than other characters, quoted-printable; otherwise base64.
 * Undefined where nodemailer would send the first message's part as 7bit:
 * it then decides for each message (counting only parts that need an
 * encoding). Later messages are encoded the first's way, which may differ
 * from nodemailer's own choice for them (a Latin text, then a Cyrillic
 * name); either encoding decodes the same everywhere.
 */
export function transferEncodingOf(content: string | null): TransferEncoding | undefined {
  if (!content) return undefined
  if (mimeFuncs.isPlainText(content) && !mimeFuncs.hasLongerLines(content, 76)) return undefined
  let latin = 0
  let other = 0
  for (let index = 0; index < content.length; index++) {
    const code = content.charCodeAt(index)
    const lower = code | 0x20
    if (lower >= 0x61 && lower <= 0x7a) latin++
    // Controls other than tab, LF and CR, and everything past ASCII.
    else if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code >= 0x80) {
      other++
    }
  }
  return other < latin ? 'quoted-printable' : 'base64'
}

/**
 * A text part as nodemailer takes it, with the encoding decided beforehand
 * when there is one. An empty part stays a bare string: nodemailer leaves
 * out a text part that is '', but takes an object with empty content for
 * the content itself and fails the message.
 */
export function textPart(content: string, encoding: TransferEncoding | undefined) {
  if (!encoding || !content) return content
  const part: Mail.Attachment = { content, contentTransferEncoding: encoding }
  return part
}
