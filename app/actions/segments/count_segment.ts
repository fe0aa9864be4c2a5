import cache from '@adonisjs/cache/services/main'
import type Tenant from '#models/tenant'
import type Segment from '#models/segment'
import PreviewSegment from '#actions/segments/preview_segment'

/**
 * How long the segments list reuses a segment's count: tens of
 * milliseconds each at 100,000 clients, asked by every view of the list.
 */
const COUNT_TTL = '1m'

/**
 * How many clients a saved segment matches now, give or take a minute; a
 * change to the segment counts afresh (its last change is in the key).
 */
export default class CountSegment {
  static async handle(tenant: Tenant, segment: Segment) {
    const version = [segment.id, segment.createdAt.toMillis(), segment.updatedAt?.toMillis() ?? 0]
    return cache.getOrSet({
      key: `segment-count:${version.join(':')}`,
      ttl: COUNT_TTL,
      factory: async () => {
        const { count } = await PreviewSegment.handle(tenant, segment.definition, {
          withSample: false,
        })
        return count
      },
    })
  }
}
