import type Tenant from '#models/tenant'
import Segment from '#models/segment'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import type { SegmentDefinition } from '#audiences/segment_definition'
import { MAX_SEGMENTS_PER_WORKSPACE } from '#audiences/segment_definition'
import { writeTransaction } from '#services/database/write_transaction'

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
    actor,
    tenant,
    segment,
    data,
  }: {
    actor: Actor
    tenant: Tenant
    segment?: Segment
    data: { name: string; definition: SegmentDefinition }
  }) {
    return writeTransaction(async (trx) => {
      let saved: Segment
      if (segment) {
        segment.useTransaction(trx)
        saved = await segment.merge(data).save()
      } else {
        const [{ total }] = await trx
          .from('segments')
          .where('tenant_id', tenant.id)
          .count('* as total')
        if (Number(total) >= MAX_SEGMENTS_PER_WORKSPACE) throw new SegmentLimitError()
        saved = await Segment.create({ ...data, tenantId: tenant.id }, { client: trx })
      }
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: tenant.id,
          action: segment ? 'segment.update' : 'segment.create',
          subject: { type: 'segment', id: saved.id, label: saved.name },
        },
        trx
      )
      return saved
    })
  }
}
