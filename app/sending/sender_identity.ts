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
 * the domain's key. The settings page shows this same value. The "via"
 * arrangement holds on the platform's server only: the workspace's own
 * server sends only from its verified domain (ownServerSenderProblem).
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
 * Why a workspace cannot send through its own SMTP server as it stands, or
 * null: there, mail goes only from the workspace's own verified domain.
 * The "via" arrangement would put the operator's address in the From (and
 * MAIL FROM) of mail leaving a server the operator does not run: it fails
 * DMARC for the operator's domain, and submission servers (Office 365,
 * Gmail, SES) refuse a sender they do not own. Mailings pause with this
 * reason before sending anything; the SMTP server test refuses with it.
 */
export function ownServerSenderProblem(sender: SenderIdentity) {
  if (!sender.viaOperator) return null
  return "Your workspace's own SMTP server sends only from your own verified domain, and your From address's domain is not verified. Verify it in Settings → Sending (or remove your SMTP server in Settings → SMTP server to send through ours), then resume the mailing."
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
 * From, Reply-To and DKIM signature, and MAIL FROM the operator's
 * MAIL_FROM_ADDRESS ("Send a test to me" of a message). It looks like the
 * mailing it tests (same From, Reply-To, signature, body) but differs in
 * how it leaves: always through the platform's server (the application
 * mailer), never the workspace's own SMTP server, and never with a VERP
 * Return-Path (there is no delivery to bounce). So a workspace with its own
 * server and no verified domain still gets its test, "via" us, although its
 * mailings pause (ownServerSenderProblem); Settings → SMTP server's own
 * "Send a test" is the one that proves that server and sender.
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
    // As the platform's server sends mailings without VERP: left out,
    // nodemailer would take MAIL FROM from the From header.
    envelope: { from: env.get('MAIL_FROM_ADDRESS'), to: envelopeRecipients(message) },
  }
}

/**
 * The To of a compiled message, as nodemailer takes RCPT TO: an envelope's
 * `to` replaces every recipient, so all of them are named.
 */
function envelopeRecipients(message: object) {
  const to = (message as { to?: unknown }).to
  const list = Array.isArray(to) ? to : to === undefined ? [] : [to]
  return list.map((entry) =>
    typeof entry === 'string' ? entry : (entry as { address: string }).address
  )
}
