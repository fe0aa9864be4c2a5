import { createPrivateKey, type KeyObject } from 'node:crypto'
import { domainToASCII } from 'node:url'
import env from '#start/env'
import Tenant from '#models/tenant'
import SendingDomain from '#models/sending_domain'

/**
 * Who a workspace's mail is from, as nodemailer takes it: the From, the
 * Reply-To, and the DKIM key to sign with (per message: nodemailer's `dkim`
 * option), when the From's domain is verified.
 */
export interface SenderIdentity {
  from: { name: string; address: string }
  replyTo?: string
  dkim?: { domainName: string; keySelector: string; privateKey: KeyObject }
  /** True while mail goes from the operator's address ("via"). */
  viaOperator: boolean
}

type SenderFields = Pick<Tenant, 'name' | 'senderName' | 'senderEmail' | 'replyTo'>

/**
 * The domain of an address, as sending_domains stores domains (lowercase,
 * IDNs in punycode); '' when it has none.
 */
export function addressDomain(address: string) {
  const at = address.lastIndexOf('@')
  return at < 0 ? '' : domainToASCII(address.slice(at + 1).trim())
}

/**
 * The sender of a workspace given its settings and the verified domain of
 * its From address (null when that domain is not verified, or no From
 * address is set). Unverified, mail goes from the operator's
 * MAIL_FROM_ADDRESS with "<workspace> via <operator>" as the display name
 * (receivers then hold the operator's domain, which passes SPF and DKIM,
 * responsible), and replies go to the workspace's Reply-To, or its From
 * address. Verified, it goes from the workspace's address, signed with
 * the domain's key. The settings page shows this same value.
 */
export function senderIdentityOf(
  tenant: SenderFields,
  verifiedDomain: Pick<SendingDomain, 'domain' | 'dkimSelector' | 'dkimPrivateKey'> | null
): SenderIdentity {
  const name = tenant.senderName || tenant.name
  // A key APP_KEY no longer decrypts (changed without keeping the old one)
  // reads as empty: mail goes "via" rather than failing every batch.
  if (tenant.senderEmail && verifiedDomain?.dkimPrivateKey) {
    return {
      from: { name, address: tenant.senderEmail },
      replyTo: tenant.replyTo ?? undefined,
      dkim: {
        domainName: verifiedDomain.domain,
        keySelector: verifiedDomain.dkimSelector,
        // Parsed once here rather than from PEM for every message
        // nodemailer signs: ~0.6 ms of CPU a message (of ~1.5 ms that
        // signing costs), measured with nodemailer's stream transport.
        privateKey: createPrivateKey(verifiedDomain.dkimPrivateKey),
      },
      viaOperator: false,
    }
  }
  return {
    from: { name: `${name} via ${operatorName()}`, address: env.get('MAIL_FROM_ADDRESS') },
    replyTo: tenant.replyTo ?? tenant.senderEmail ?? undefined,
    viaOperator: true,
  }
}

/**
 * The DKIM options as nodemailer's types spell them: they name only a PEM
 * string, while its signer (node:crypto's `sign`) takes a KeyObject too.
 */
export function nodemailerDkim(dkim: NonNullable<SenderIdentity['dkim']>) {
  return dkim as unknown as { domainName: string; keySelector: string; privateKey: string }
}

function operatorName() {
  return env.get('MAIL_FROM_NAME', 'Mailings')
}

/**
 * The sender of a workspace's mail now: two queries, made once per batch
 * (and per test send), never per message.
 */
export async function senderIdentityFor(tenantId: number): Promise<SenderIdentity> {
  const tenant = await Tenant.findOrFail(tenantId)
  const domain = tenant.senderEmail
    ? await SendingDomain.query()
        .where('tenant_id', tenant.id)
        .where('domain', addressDomain(tenant.senderEmail))
        .whereNotNull('verified_at')
        .first()
    : null
  return senderIdentityOf(tenant, domain)
}

/**
 * What a queued application mail carries (as its send config) to go out as
 * a workspace: only the workspace's id. The sender, and its private key
 * above all, is resolved by the worker that sends it, so no key sits in
 * Redis with the job (app/jobs/send_mail_job.ts).
 */
export interface WorkspaceSenderConfig {
  workspaceSender: number
}

export function asWorkspace(tenantId: number): WorkspaceSenderConfig {
  return { workspaceSender: tenantId }
}

export function isWorkspaceSenderConfig(config: unknown): config is WorkspaceSenderConfig {
  return (
    typeof config === 'object' &&
    config !== null &&
    typeof (config as WorkspaceSenderConfig).workspaceSender === 'number'
  )
}

/**
 * A compiled application message made to go out as the workspace: its
 * From, Reply-To and DKIM signature (test sends, which must look exactly
 * like the mailing they test).
 */
export async function sentAsWorkspace<Message extends object>(
  message: Message,
  { workspaceSender }: WorkspaceSenderConfig
) {
  const sender = await senderIdentityFor(workspaceSender)
  return {
    ...message,
    from: sender.from,
    replyTo: sender.replyTo ? [sender.replyTo] : undefined,
    dkim: sender.dkim && nodemailerDkim(sender.dkim),
  }
}
