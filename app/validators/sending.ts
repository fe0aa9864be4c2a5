import { isIP } from 'node:net'
import { domainToASCII } from 'node:url'
import vine from '@vinejs/vine'

export const SENDER_NAME_MAX_LENGTH = 100
export const DOMAIN_MAX_LENGTH = 253

/**
 * A display name goes into a header: no line breaks or other control
 * characters, whatever nodemailer would make of them.
 */
const noControlCharacters = vine.createRule((value: unknown, _: undefined, field) => {
  // eslint-disable-next-line no-control-regex
  if (typeof value === 'string' && /[\u0000-\u001f\u007f]/.test(value)) {
    field.report('The name cannot contain line breaks or control characters', 'senderName', field)
  }
})

const address = () => vine.string().trim().toLowerCase().email().maxLength(254)

/**
 * Settings → Sending: who the workspace's mail is from. Every field may be
 * left empty (the workspace's name, the operator's address, no Reply-To).
 */
export const senderIdentityValidator = vine.compile(
  vine.object({
    senderName: vine
      .string()
      .trim()
      .maxLength(SENDER_NAME_MAX_LENGTH)
      .use(noControlCharacters())
      .nullable()
      .optional(),
    senderEmail: address().nullable().optional(),
    replyTo: address().nullable().optional(),
  })
)

/**
 * The domain as stored and looked up: trimmed, without a trailing dot,
 * lowercase, an IDN in punycode (`bücher.example` → `xn--bcher-kva.example`);
 * null when it is not a domain name a mail can come from.
 */
export function normalizeDomain(input: string) {
  const trimmed = input.trim().replace(/\.$/, '')
  if (!trimmed || /[\s/@:]/.test(trimmed) || isIP(trimmed)) return null
  const ascii = domainToASCII(trimmed)
  if (!ascii || ascii.length > DOMAIN_MAX_LENGTH) return null
  const labels = ascii.split('.')
  if (labels.length < 2) return null
  const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/
  if (!labels.every((part) => label.test(part))) return null
  // A top-level domain is never all digits: that is an IPv4 address, in
  // whole or in part.
  if (/^\d+$/.test(labels.at(-1)!)) return null
  return ascii
}

const sendingDomain = vine.createRule((value: unknown, _: undefined, field) => {
  if (typeof value !== 'string') return
  const domain = normalizeDomain(value)
  if (!domain) {
    field.report(
      'Enter a domain name such as example.com or news.example.com (no address, IP or spaces)',
      'sendingDomain',
      field
    )
    return
  }
  field.mutate(domain, field)
})

export const sendingDomainValidator = vine.compile(
  vine.object({
    domain: vine.string().maxLength(300).use(sendingDomain()),
  })
)
