import Tenant from '#models/tenant'
import { clientFromUnsubscribeToken } from '#sending/unsubscribe_links'

/**
 * The workspace and client an unsubscribe token names, both still existing,
 * or null. The client is looked up inside the token's workspace only.
 */
export default class FindUnsubscribeRecipient {
  static async handle(token: string) {
    const ids = clientFromUnsubscribeToken(token)
    if (!ids) return null

    const tenant = await Tenant.find(ids.tenantId)
    if (!tenant) return null
    const client = await tenant.related('clients').query().where('id', ids.id).first()
    return client ? { tenant, client } : null
  }
}
