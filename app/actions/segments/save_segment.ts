import db from '@adonisjs/lucid/services/db'
import type Tenant from '#models/tenant'
import Segment from '#models/segment'
import type { SegmentDefinition } from '#audiences/segment_definition'
import { MAX_SEGMENTS_PER_WORKSPACE } from '#audiences/segment_definition'

export class SegmentLimitError extends Error {
  constructor() {
    super(`A workspace has at most ${MAX_SEGMENTS_PER_WORKSPACE} segments`)
  }
}

/**
 * Creates a segment, or saves an existing one's name and conditions. A
 * mailing using it reaches whoever the new conditions match from its next
 * run on (runs that started keep their recipients).
 */
export default class SaveSegment {
  static async handle({
    tenant,
    segment,
    data,
  }: {
    tenant: Tenant
    segment?: Segment
    data: { name: string; definition: SegmentDefinition }
  }) {
    if (segment) {
      segment.merge(data)
      await segment.save()
      return segment
    }
    const [{ total }] = await db.from('segments').where('tenant_id', tenant.id).count('* as total')
    if (Number(total) >= MAX_SEGMENTS_PER_WORKSPACE) throw new SegmentLimitError()
    return tenant.related('segments').create(data)
  }
}
