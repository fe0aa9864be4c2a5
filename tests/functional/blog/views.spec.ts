import { test } from '@japa/runner'
import redis from '@adonisjs/redis/services/main'
import db from '@adonisjs/lucid/services/db'
import Post from '#models/post'
import { sqlTime } from '#services/database/sql_time'
import { flushPostViews, pendingPostViews } from '#services/blog/post_views'
import { createPost } from '#tests/helpers/posts'
import { waitUntil } from '#tests/helpers/wait'

test.group('Article views', () => {
  test('views are counted in Redis and flushed into the post by the worker', async ({
    client,
    assert,
  }) => {
    const post = await createPost()
    for (let index = 0; index < 5; index++) {
      const response = await client.get(`/blog/${post.slug}`)
      response.assertStatus(200)
    }
    // A 304 is a view too: the reader is on the page.
    const cached = await client.get(`/blog/${post.slug}`)
    const revalidated = await client
      .get(`/blog/${post.slug}`)
      .header('If-None-Match', cached.header('etag')!)
    revalidated.assertStatus(304)

    // The worker's job scheduler flushes every POST_VIEWS_FLUSH_INTERVAL.
    await waitUntil('the views to reach the database', async () => {
      await post.refresh()
      return post.viewsCount === 7
    })
    assert.equal(await pendingPostViews(post.id), 0)
  })

  test('a flush that died after committing does not count its batch twice', async ({ assert }) => {
    const post = await createPost()
    // The state a flush leaves when it dies between its transaction and
    // deleting the batch: the batch is still listed in Redis, its id and
    // counts are already in the database.
    const batchId = `crashed-${post.id}`
    await redis.hset(`post_views:batch:${batchId}`, String(post.id), '4')
    await redis.sadd('post_views:batches', batchId)
    await db.transaction(async (trx) => {
      await trx.table('post_view_flushes').insert({ batch_id: batchId, flushed_at: sqlTime() })
      await trx.from('posts').where('id', post.id).increment('views_count', 4)
    })

    await flushPostViews()
    await waitUntil(
      'the batch to be cleared',
      async () => !(await redis.exists(`post_views:batch:${batchId}`))
    )
    const reloaded = await Post.findOrFail(post.id)
    assert.equal(reloaded.viewsCount, 4)
  })

  test('a batch left behind before its transaction is counted once', async ({ assert }) => {
    const post = await createPost()
    const batchId = `unflushed-${post.id}`
    await redis.hset(`post_views:batch:${batchId}`, String(post.id), '3')
    await redis.sadd('post_views:batches', batchId)

    // The test and the worker's scheduled flush may both pick it up.
    await Promise.all([flushPostViews(), flushPostViews()])
    await waitUntil(
      'the batch to be cleared',
      async () => !(await redis.exists(`post_views:batch:${batchId}`))
    )
    const reloaded = await Post.findOrFail(post.id)
    assert.equal(reloaded.viewsCount, 3)
  })
})
