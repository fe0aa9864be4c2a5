import { randomUUID } from 'node:crypto'
import redis from '@adonisjs/redis/services/main'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { sqlTime } from '#services/database/sql_time'

/**
 * Article views are counted in Redis (one HINCRBY per view, no database
 * write) and moved into `posts.views_count` by FlushPostViewsJob.
 *
 * A flush renames the pending hash to a batch of its own, with a new id,
 * and lists the id, in one MULTI (views counted meanwhile start a new
 * pending hash, nothing is lost). Each listed batch is then added to the
 * posts in one transaction that also records its id; only then are the
 * batch and its id removed from Redis. A flush that dies half-way leaves
 * its batch listed for the next one, and the recorded id stops a batch
 * whose transaction had committed from counting twice, even when two
 * workers flush at once.
 */

const PENDING = 'post_views:pending'
const BATCHES = 'post_views:batches'
const batchKey = (id: string) => `post_views:batch:${id}`

/**
 * How long batch ids are remembered: far longer than any retry.
 */
const BATCH_IDS_KEPT_FOR = { days: 7 }

export async function countPostView(postId: number) {
  await redis.hincrby(PENDING, String(postId), 1)
}

/**
 * Views counted in Redis and not yet in the database, for one post.
 */
export async function pendingPostViews(postId: number) {
  const batches = await redis.smembers(BATCHES)
  const counts = await Promise.all(
    [PENDING, ...batches.map(batchKey)].map((key) => redis.hget(key, String(postId)))
  )
  return counts.reduce((total, count) => total + Number(count ?? 0), 0)
}

/**
 * Moves counted views into the database; returns how many it added.
 */
export async function flushPostViews() {
  const id = randomUUID()
  // RENAME fails inside the MULTI when nothing was viewed; the id is
  // listed anyway and found empty below.
  await redis.multi().rename(PENDING, batchKey(id)).sadd(BATCHES, id).exec()

  let added = 0
  for (const batchId of await redis.smembers(BATCHES)) {
    added += await flushBatch(batchId)
  }
  return added
}

async function flushBatch(batchId: string) {
  const counts = await redis.hgetall(batchKey(batchId))
  const added = Object.keys(counts).length > 0 ? await addToPosts(batchId, counts) : 0
  await redis.multi().del(batchKey(batchId)).srem(BATCHES, batchId).exec()
  return added
}

async function addToPosts(batchId: string, counts: Record<string, string>) {
  return db.transaction(async (trx) => {
    const recorded = await trx
      .knexQuery()
      .table('post_view_flushes')
      .insert({ batch_id: batchId, flushed_at: sqlTime() })
      .onConflict('batch_id')
      .ignore()
      .returning('batch_id')
    if (recorded.length === 0) return 0 // counted already, by a flush that died after

    let total = 0
    for (const [postId, views] of Object.entries(counts)) {
      // A deleted post's views update nothing.
      await trx.from('posts').where('id', Number(postId)).increment('views_count', Number(views))
      total += Number(views)
    }
    await trx
      .from('post_view_flushes')
      .where('flushed_at', '<', sqlTime(DateTime.now().minus(BATCH_IDS_KEPT_FOR)))
      .delete()
    return total
  })
}
