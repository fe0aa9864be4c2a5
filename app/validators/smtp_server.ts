import { isIP } from 'node:net'
import vine from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'
import customSmtpConfig, { maxWorkspaceRate } from '#config/custom_smtp'
import { SMTP_TLS_MODES } from '#models/workspace_smtp_server'
import { allowlist, isForbiddenAddress } from '#services/webhooks/addresses'

/**
 * A DNS name (letters, digits, hyphens, dots; labels of at most 63) or a
 * literal IP address.
 */
const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/

/**
 * Whether the operator lets the host through although it is private
 * (SMTP_ALLOWED_HOSTS): by name, or as a literal address in an allowed
 * range.
 */
function operatorAllowed(host: string) {
  const entries = customSmtpConfig.allowedHosts
  if (allowlist(entries).names.includes(host)) return true
  return isIP(host) !== 0 && !isForbiddenAddress(host, entries) && isForbiddenAddress(host, [])
}

/**
 * Why a server's host is refused, or null. Names are checked again on the
 * address they resolve to, at connection time (smtp_transport.ts); this
 * catches what is plainly private while the owner is looking at the form.
 */
export function smtpHostProblem(host: string) {
  if (isIP(host) === 0 && !HOST_NAME.test(host)) {
    return 'Enter a host name such as smtp.example.com, or an IP address'
  }
  if (operatorAllowed(host)) return null
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return 'The server must not be this machine (localhost)'
  }
  if (isForbiddenAddress(host, customSmtpConfig.allowedHosts)) {
    return 'The server must not be on a private, loopback, link-local or metadata address'
  }
  return null
}

const smtpHost = vine.createRule((value: unknown, _: undefined, field) => {
  if (typeof value !== 'string') return
  const problem = smtpHostProblem(value)
  if (problem) field.report(problem, 'smtpHost', field)
})

/**
 * Servers on the internet use the mail ports (config/custom_smtp.ts); a
 * server the operator allowed (SMTP_ALLOWED_HOSTS) may use any.
 */
const smtpPort = vine.createRule((value: unknown, _: undefined, field) => {
  const host = field.parent?.host
  if (typeof value !== 'number' || (typeof host === 'string' && operatorAllowed(host))) return
  if (!customSmtpConfig.ports.includes(value)) {
    field.report(
      `Use one of the mail ports: ${customSmtpConfig.ports.join(', ')}`,
      'smtpPort',
      field
    )
  }
})

/**
 * Settings → SMTP server. An empty password keeps the saved one (it is
 * never shown back), so one is needed with a user name only when none is
 * saved (`hasSavedPassword`); the rate and pool stay within the operator's
 * limits.
 */
export const smtpServerValidator = vine.withMetaData<{ hasSavedPassword: boolean }>().compile(
  vine.object({
    host: vine.string().trim().toLowerCase().maxLength(253).use(smtpHost()),
    port: vine.number().withoutDecimals().range([1, 65535]).use(smtpPort()),
    tlsMode: vine.enum(SMTP_TLS_MODES),
    username: vine.string().trim().maxLength(255).optional(),
    password: vine
      .string()
      .maxLength(255)
      .optional()
      .requiredWhen((field) => Boolean(field.parent.username) && !field.meta.hasSavedPassword),
    poolSize: vine.number().withoutDecimals().range([1, customSmtpConfig.maxPoolSize]),
    sendRate: vine.number().withoutDecimals().range([1, maxWorkspaceRate()]).optional(),
  })
)

export type SmtpServerData = Infer<typeof smtpServerValidator>
