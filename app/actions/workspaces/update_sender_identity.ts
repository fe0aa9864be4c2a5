import type Tenant from '#models/tenant'

export interface SenderIdentityFields {
  senderName: string | null
  senderEmail: string | null
  replyTo: string | null
}

/**
 * The owner sets who the workspace's mail is from (Settings → Sending). An
 * address on a domain not yet verified is kept: mail goes "via" the
 * operator until the domain is, then from the address, without another
 * visit to this page.
 */
export default class UpdateSenderIdentity {
  static async handle(tenant: Tenant, fields: SenderIdentityFields) {
    tenant.merge(fields)
    await tenant.save()
  }
}
