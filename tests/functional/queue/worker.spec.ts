import { test } from '@japa/runner'
import { Queue, QueueEvents } from 'bullmq'
import { redisConnection } from '#config/redis'
import { WorkerProcess } from '#tests/helpers/worker'
import { PrivateRedis } from '#tests/helpers/private_redis'
import { smtp } from '#tests/helpers/peers'
import { waitUntil } from '#tests/helpers/wait'
import SendMailJob from '#jobs/send_mail_job'
import VerifyEmailNotification from '#mails/verify_email_notification'

test.group('Worker process', () => {
  test('a job whose class cannot be loaded fails loudly, it is not marked completed', async ({
    assert,
  }) => {
    // Its own queue and worker: the shared worker may be busy with other
    // tests' jobs, which says nothing about this one.
    const queue = new Queue('unloadable-job-test', { connection: redisConnection })
    const events = new QueueEvents('unloadable-job-test', { connection: redisConnection })
    const worker = new WorkerProcess(['--queue=unloadable-job-test'])
    await events.waitUntilReady()
    try {
      await worker.start()
      const job = await queue.add('/old/absolute/path/app/jobs/gone_job.js', {}, { attempts: 3 })
      // Gives up before the test's own timeout, rather than waiting for ever.
      const failure = await job.waitUntilFinished(events, 15_000).then(
        () => 'completed',
        (error: Error) => error.message
      )

      assert.include(failure, 'Unknown job "/old/absolute/path/app/jobs/gone_job.js"')
      assert.equal(await job.getState(), 'failed')
      // UnrecoverableError: no pointless retries of a job that can never load.
      assert.equal((await queue.getJob(job.id!))!.attemptsMade, 1)
    } finally {
      await worker.stop()
      await events.close()
      await queue.close()
    }
  })

  test('SIGTERM and SIGINT stop the worker cleanly with exit code 0', async ({ assert }) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const worker = new WorkerProcess(['--queue=signal-test'])
      await worker.start()
      const { code } = await worker.stop(signal)
      assert.equal(code, 0, worker.output)
      assert.include(worker.output, 'Stopping: finishing running jobs')
    }
  })

  test('SIGTERM while Redis is away still stops the worker, with exit code 0', async ({
    assert,
    cleanup,
  }) => {
    const redis = new PrivateRedis()
    // Every queue, as deployed: its reconciler then reads Redis on each pass.
    const worker = new WorkerProcess()
    cleanup(async () => {
      await worker.stop('SIGKILL')
      await redis.close()
    })
    await redis.start()
    // With its reconciler, whose pass hangs on the missing Redis too.
    await worker.start({
      ...redis.workerEnv,
      QUEUE_SHUTDOWN_TIMEOUT: '1s',
      SEND_RECONCILE_INTERVAL: '1s',
      LOG_LEVEL: 'debug',
    })
    // Gone like a crashed server: BullMQ's close waits for an answer that
    // never comes; before, the worker stayed up until Redis came back.
    await redis.stop()
    // A reconcile pass begun after Redis went: it waits on Redis.
    await waitUntil('a reconcile pass without Redis', async () => {
      const gone = worker.output.indexOf('Redis connection failure')
      return gone >= 0 && worker.output.includes('Reconciling the queues', gone)
    })

    const { code } = await worker.stop('SIGTERM')
    assert.equal(code, 0, worker.output)
    assert.include(worker.output, 'Stopping: finishing running jobs')
    // The queues were told to stop (and gave up on Redis), not cut off by
    // the exit deadline while a reconcile pass held the stop back.
    assert.include(worker.output, 'The queues did not close within 1000 ms')
  }).timeout(60_000)

  test('on SIGTERM a running job finishes before the worker exits', async ({ assert }) => {
    const queue = new Queue('shutdown-test', { connection: redisConnection })
    const worker = new WorkerProcess(['--queue=shutdown-test'])
    await worker.start()
    try {
      const to = `slow-${Date.now()}@example.com`
      const notification = new VerifyEmailNotification({
        email: to,
        firstName: 'Slow',
        verificationUrl: 'http://localhost/verify',
      })
      await notification.build()
      // The SMTP server takes its time: the job is still running when SIGTERM arrives.
      smtp.script({ kind: 'delay', ms: 1500 })
      const job = await queue.add(SendMailJob.$$filepath, {
        mailerName: 'smtp',
        mailMessage: notification.message.toJSON(),
      })
      // Gives up before the test's own timeout, saying what it waited for.
      await waitUntil(
        'the worker to start the job',
        async () => (await job.getState()) === 'active',
        15_000
      )

      const { code } = await worker.stop('SIGTERM')
      assert.equal(code, 0, worker.output)
      assert.equal(await job.getState(), 'completed')
      assert.lengthOf(smtp.messagesTo(to), 1)
    } finally {
      await worker.stop()
      await queue.close()
    }
  })
})
