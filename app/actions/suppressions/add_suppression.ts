import type Tenant from '#models/tenant'
import SuppressAddress from '#actions/suppressions/suppress_address'

/**
 * A person (the page) or a system (the API) adds an address to the
 * workspace's suppression list, reason `manual`. Idempotent: an address
 * already listed keeps its entry, and its reason when that is stronger
 * (a complaint stays a complaint).
 *
 * Returns the entry and whether it is new.
 */
export default class AddSuppression {
  static async handle(
    tenant: Tenant,
    { email, detail, source }: { email: string; detail?: string; source: 'manual' | 'api' }
  ) {
    const created = await SuppressAddress.handle({
      tenantId: tenant.id,
      email,
      reason: 'manual',
      source,
      detail: detail || null,
    })
    const entry = await tenant
      .related('suppressions')
      .query()
      .where('email', email.trim().toLowerCase())
      .firstOrFail()
    return { entry, created }
  }
}
