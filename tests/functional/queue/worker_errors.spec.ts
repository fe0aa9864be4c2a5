import { test } from '@japa/runner'
import { Queue } from 'bullmq'
import { logLines, type LogLine } from '#tests/helpers/log_lines'
import { PrivateRedis } from '#tests/helpers/private_redis'
import { WorkerProcess } from '#tests/helpers/worker'
import { waitUntil } from '#tests/helpers/wait'

const workerErrors = (output: string) =>
  logLines(output).filter((line) => String(line.msg).startsWith('Queue worker error'))

/*
 * A worker whose Redis refuses writes (out of memory under noeviction):
 * BullMQ tries to fetch its next job again at once after each failure, and
 * each failure is an error event. On a Redis of the test's own.
 */
test.group('Worker errors', (group) => {
  const redis = new PrivateRedis()
  let queue: Queue
  const worker = new WorkerProcess(['--no-schedule'])

  group.setup(async () => {
    await redis.start()
    queue = new Queue('default', { connection: redis.connection })
    return async () => {
      await worker.stop('SIGKILL')
      await queue.close()
      await redis.close()
    }
  })

  test('while Redis refuses writes, the errors are logged once, then counted every few seconds', async ({
    assert,
  }) => {
    // Waiting when the worker starts, which cannot take it: Redis is full.
    await queue.add('NoSuchJob', {})
    await redis.client().config('SET', 'maxmemory', '1')
    // JSON lines, as in production.
    await worker.start({ NODE_ENV: 'production', LOG_LEVEL: 'info', ...redis.workerEnv })

    // Before, every failed fetch was a line: about 2,000 a second.
    const counted = await waitUntil(
      'a line counting the repeated errors',
      async () => workerErrors(worker.output).find((line: LogLine) => line.repeated >= 100),
      60_000
    ).catch((error) => {
      throw new Error(`${error.message}. The worker logged:\n${worker.output.slice(-3000)}`)
    })
    await redis.client().config('SET', 'maxmemory', '0')

    assert.include(counted.err.message, 'OOM')
    // Each queue's BullMQ worker fails on its own (the webhooks' too).
    assert.oneOf(counted.queue, ['default', 'webhooks'])
    const lines = workerErrors(worker.output)
    const errors = lines.reduce((sum, line) => sum + 1 + (line.repeated ?? 0), 0)
    assert.isBelow(lines.length * 50, errors, `${lines.length} lines for ${errors} errors`)
    assert.notProperty(lines[0], 'repeated')
  }).timeout(90_000)
})
