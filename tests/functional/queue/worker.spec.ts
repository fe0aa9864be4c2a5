import { test } from '@japa/runner'
import { Queue, QueueEvents } from 'bullmq'
import { redisConnection } from '#config/redis'
import { WorkerProcess } from '#tests/helpers/worker'

test.group('Worker process', () => {
  test('a job whose class cannot be loaded fails loudly, it is not marked completed', async ({
    assert,
  }) => {
    const queue = new Queue('default', { connection: redisConnection })
    const events = new QueueEvents('default', { connection: redisConnection })
    await events.waitUntilReady()
    try {
      const job = await queue.add('/old/absolute/path/app/jobs/gone_job.js', {}, { attempts: 3 })
      const failure = await job.waitUntilFinished(events).then(
        () => 'completed',
        (error: Error) => error.message
      )

      assert.include(failure, 'Unknown job "/old/absolute/path/app/jobs/gone_job.js"')
      assert.equal(await job.getState(), 'failed')
      // UnrecoverableError: no pointless retries of a job that can never load.
      assert.equal((await queue.getJob(job.id!))!.attemptsMade, 1)
    } finally {
      await events.close()
      await queue.close()
    }
  })

  test('SIGTERM and SIGINT stop the worker cleanly with exit code 0', async ({ assert }) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const worker = new WorkerProcess(['--queue=signal-test'])
      await worker.start()
      assert.equal(await worker.stop(signal), 0, worker.output)
      assert.include(worker.output, 'Stopping: finishing running jobs')
    }
  })
})
