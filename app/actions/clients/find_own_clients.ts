import type Tenant from '#models/tenant'

/**
 * A workspace's clients among the given ids, with just what a policy checks
 * (id, workspace). Ids of another workspace's clients are not found.
 */
export default class FindOwnClients {
  static async handle(tenant: Tenant, ids: number[]) {
    return tenant.related('clients').query().select('id', 'tenant_id').whereIn('id', ids)
  }
}
