import db from '@adonisjs/lucid/services/db'
import type Tenant from '#models/tenant'
import Client from '#models/client'
import type { SegmentDefinition } from '#audiences/segment_definition'
import { compileSegment, segmentContextOf } from '#audiences/segment_sql'

export const SEGMENT_SAMPLE_SIZE = 10

/**
 * What the editor shows before a segment is saved: how many of the
 * workspace's clients its conditions match now, and the newest ten of
 * them. Both are evaluated in the database by the same compiled condition
 * a mailing's run uses; the count says how many of them are pending (a
 * sign-up not confirmed), whom a run leaves out.
 */
export default class PreviewSegment {
  static async handle(
    tenant: Tenant,
    definition: SegmentDefinition,
    { withSample = true }: { withSample?: boolean } = {}
  ) {
    const context = await segmentContextOf(tenant)
    const condition = compileSegment(definition, context)
    // COUNT(column) counts the non-null ones: both numbers in one scan.
    const [row] = await db
      .from('clients as c')
      .where('c.tenant_id', tenant.id)
      .whereRaw(`(${condition.sql})`, condition.bindings)
      .count('* as total')
      .count('c.pending_at as pending')
    const count = Number(row.total)
    const pending = Number(row.pending)
    const listed = compileSegment(definition, { ...context, alias: 'clients' })
    const sample =
      count === 0 || !withSample
        ? []
        : await Client.query()
            .where('tenant_id', tenant.id)
            .whereRaw(listed.sql, listed.bindings)
            .orderBy('created_at', 'desc')
            .orderBy('id', 'desc')
            .limit(SEGMENT_SAMPLE_SIZE)
    return { count, pending, sample }
  }
}
