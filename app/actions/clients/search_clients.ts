import type Tenant from '#models/tenant'
import { whereMatches } from '#services/database/list_filters'

export const CLIENT_SEARCH_LIMIT = 20

/**
 * The clients a picker offers for what the user typed: email or name
 * containing it, by email, at most 20. Only what the picker shows.
 */
export default class SearchClients {
  static async handle(tenant: Tenant, q = '') {
    const clients = await whereMatches(tenant.related('clients').query(), q.trim())
      .select('id', 'email', 'full_name')
      .orderBy('email', 'asc')
      .limit(CLIENT_SEARCH_LIMIT)

    return clients.map(({ id, email, fullName }) => ({ id, email, fullName }))
  }
}
