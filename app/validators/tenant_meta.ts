import type Tenant from '#models/tenant'

/**
 * What the validators of a workspace's records know about the workspace:
 * its id, to accept only references to its own records (a mailing's message
 * and clients) and to keep a client's email unique inside it; its time zone,
 * to read the dates and times typed in a form.
 */
export interface TenantMeta {
  tenantId: number
  timeZone: string
}

/**
 * The metadata to pass as `{ meta: tenantMeta(tenant) }`.
 */
export function tenantMeta(tenant: Tenant): TenantMeta {
  return { tenantId: tenant.id, timeZone: tenant.timeZone }
}
