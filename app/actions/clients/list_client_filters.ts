import type Tenant from '#models/tenant'
import { CLIENT_STATES } from '#models/client'

/**
 * What the clients list's filter bar offers: the workspace's tags and
 * segments by name, and the subscription states.
 */
export default class ListClientFilters {
  static async handle(tenant: Tenant) {
    const tags = await tenant.related('tags').query().select('id', 'name').orderBy('name_key')
    const segments = await tenant.related('segments').query().select('id', 'name').orderBy('name')
    return { filterTags: tags, filterSegments: segments, clientStates: CLIENT_STATES }
  }
}
