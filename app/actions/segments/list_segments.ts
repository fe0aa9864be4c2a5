import db from '@adonisjs/lucid/services/db'
import type Tenant from '#models/tenant'

/**
 * The workspace's segments by name, each with how many mailings use it (one
 * grouped query for the page). Their client counts are asked one by one by
 * the page (CountSegment): counting every segment at once would make the
 * list as slow as its slowest segment times their number.
 */
export default class ListSegments {
  static async handle(tenant: Tenant) {
    const segments = await tenant.related('segments').query().orderBy('name').orderBy('id')
    const usage = new Map<number, number>()
    if (segments.length > 0) {
      const rows = await db
        .from('mailings')
        .where('tenant_id', tenant.id)
        .whereIn(
          'segment_id',
          segments.map((segment) => segment.id)
        )
        .whereNull('archived_at')
        .groupBy('segment_id')
        .select('segment_id')
        .count('* as total')
      for (const row of rows) usage.set(Number(row.segment_id), Number(row.total))
    }
    return { segments, usage }
  }
}
