import type Tenant from '#models/tenant'

/**
 * Deletes clients of a workspace by id. Rooted at the workspace: ids of
 * another workspace's clients match nothing and are left alone. Their places
 * in mailings' recipient lists go with them (ON DELETE CASCADE).
 *
 * Returns how many were deleted.
 */
export default class DeleteClients {
  static async handle(tenant: Tenant, ids: number[]) {
    if (ids.length === 0) return 0
    const result = await tenant.related('clients').query().whereIn('id', ids).delete()
    return countOf(result)
  }
}

/**
 * Lucid resolves a delete to the driver's answer: a count, or a one-element
 * array holding it.
 */
function countOf(result: unknown) {
  const value = Array.isArray(result) ? result[0] : result
  return Number(value) || 0
}
