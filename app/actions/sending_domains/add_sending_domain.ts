import { generateKeyPair, randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import { DateTime } from 'luxon'
import type Tenant from '#models/tenant'
import SendingDomain from '#models/sending_domain'
import sendingDomainsConfig from '#config/sending_domains'
import { isConstraintViolation } from '#services/database/errors'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { writeTransaction } from '#services/database/write_transaction'

const generateRsaKeyPair = promisify(generateKeyPair)

export class SendingDomainLimitError extends Error {
  constructor() {
    super(
      `A workspace can have at most ${sendingDomainsConfig.maxPerWorkspace} sending domains. Remove one you no longer use first.`
    )
  }
}

export class SendingDomainTakenError extends Error {
  constructor(domain: string) {
    super(`${domain} is already one of this workspace's domains.`)
  }
}

/**
 * A workspace adds a domain to send as: it gets an ownership token and its
 * own 2048-bit RSA DKIM key pair (RFC 8301's minimum is 1024, 2048 is what
 * mailbox providers expect), under a selector named for the month
 * (`mailings202612`) so a later key can be published beside this one.
 * Nothing is looked up yet: the owner publishes the records, then checks.
 * `domain` is already normalized (validators/sending_domain.ts).
 */
export default class AddSendingDomain {
  static async handle(actor: Actor, tenant: Tenant, domain: string) {
    const existing = await SendingDomain.query().where('tenantId', tenant.id).select('domain')
    if (existing.some((row) => row.domain === domain)) throw new SendingDomainTakenError(domain)
    if (existing.length >= sendingDomainsConfig.maxPerWorkspace) {
      throw new SendingDomainLimitError()
    }

    // Generated off the event loop: ~100 ms of CPU.
    const { publicKey, privateKey } = await generateRsaKeyPair('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'der' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    })
    // Not `tenant.related(...).create()`: Lucid runs that in a transaction it
    // parks on the tenant (`tenant.$trx`), so two calls sharing one tenant
    // instance (a double submit in one process) would run the second inside
    // the first's transaction, or after its commit ("Transaction query
    // already complete").
    const dkimSelector = await AddSendingDomain.#freeSelector(domain)
    try {
      return await writeTransaction(async (trx) => {
        const added = await SendingDomain.create(
          {
            tenantId: tenant.id,
            domain,
            verificationToken: randomBytes(16).toString('hex'),
            dkimSelector,
            dkimPublicKey: publicKey.toString('base64'),
            dkimPrivateKey: privateKey,
          },
          { client: trx }
        )
        await RecordWorkspaceEvent.handle(
          actor,
          {
            tenantId: tenant.id,
            action: 'sending_domain.add',
            subject: { type: 'sending_domain', id: added.id, label: domain },
          },
          trx
        )
        return added
      })
    } catch (error) {
      // The same domain added twice at once (a double submit): the unique
      // (tenant_id, domain) index lets one in; the other is told so. (The
      // other unique index, on the selector, would take another workspace
      // adding the same domain in the same instant: that one fails.)
      const added = await SendingDomain.query()
        .where('tenantId', tenant.id)
        .where('domain', domain)
        .first()
      if (isConstraintViolation(error, 'unique') && added) throw new SendingDomainTakenError(domain)
      throw error
    }
  }

  /**
   * `mailings<yyyymm>`, or with a letter after it when another workspace
   * added the same domain this month: two keys under one selector would
   * make one of them "wrong" for ever.
   */
  static async #freeSelector(domain: string) {
    const base = `mailings${DateTime.utc().toFormat('yyyyLL')}`
    const rows = await SendingDomain.query().where('domain', domain).select('dkim_selector')
    const taken = new Set(rows.map((row) => row.dkimSelector))
    for (const suffix of ['', ...'abcdefghijklmnopqrstuvwxyz']) {
      if (!taken.has(base + suffix)) return base + suffix
    }
    return `${base}${randomBytes(4).toString('hex')}`
  }
}
