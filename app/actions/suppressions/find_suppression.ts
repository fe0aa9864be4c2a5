import type Tenant from '#models/tenant'
import { isRecordId } from '#validators/rules/record_id'

/**
 * The workspace's suppression entry named by an address (it has an "@",
 * any case) or else by an entry id. Another workspace's entry, or a name
 * that is neither, is not found (404).
 */
export default class FindSuppression {
  static handle(tenant: Tenant, addressOrId: string) {
    const value = addressOrId.trim().toLowerCase()
    if (value.includes('@')) {
      return tenant.related('suppressions').query().where('email', value).firstOrFail()
    }
    const id = Number(value)
    return tenant.findOwn('suppressions', isRecordId(id) ? id : 0)
  }
}
