import db from '@adonisjs/lucid/services/db'
import sendingConfig from '#config/sending'

/**
 * A batch: the deliveries of one run whose ids are in [fromId, toId]. It is
 * what a send_batch job carries, and what claims, settlements and recovery
 * are limited to.
 */
export interface BatchRange {
  runId: number
  fromId: number
  toId: number
}

/**
 * [first id, last id] of each batch of the run's queued deliveries, read
 * with a keyset walk over the (run_id, status, id) index.
 */
export async function batchRanges(runId: number) {
  const ranges: [number, number][] = []
  let after = 0
  for (;;) {
    const ids = await db
      .from('deliveries')
      .where({ run_id: runId, status: 'queued' })
      .where('id', '>', after)
      .orderBy('id')
      .limit(sendingConfig.batchSize)
      .select('id')
    if (ids.length === 0) break
    const first = Number(ids[0].id)
    const last = Number(ids[ids.length - 1].id)
    ranges.push([first, last])
    after = last
  }
  return ranges
}

/**
 * The nth batch of every run gets priority n (BullMQ runs lower numbers
 * first): runs take turns, so a small run's first batch does not wait
 * behind a large run's hundreds.
 */
export function batchPriority(index: number) {
  return Math.min(index + 1, 2_000_000)
}
