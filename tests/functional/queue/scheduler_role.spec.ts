import { test } from '@japa/runner'
import { Queue } from 'bullmq'
import { PrivateRedis } from '#tests/helpers/private_redis'
import { WorkerProcess } from '#tests/helpers/worker'
import { waitUntil } from '#tests/helpers/wait'
import { freePort } from '#tests/helpers/net'

/*
 * The scheduler role (docs/architecture.md, "The scheduler"): a fleet runs
 * senders with `queue:listen --no-schedule` and a couple of processes with
 * `--schedule-only`. Each on a private Redis, so the job schedulers it finds
 * are the ones that process registered.
 */
test.group('Worker roles', (group) => {
  let redis: PrivateRedis
  let queue: Queue
  let worker: WorkerProcess | undefined
  group.each.setup(async () => {
    redis = new PrivateRedis()
    await redis.start()
    queue = new Queue('default', { connection: redis.connection })
    return async () => {
      await worker?.stop('SIGKILL')
      await queue.close()
      await redis.close()
    }
  })

  test('--schedule-only registers the job schedulers, restores them, and runs no jobs', async ({
    assert,
  }) => {
    const httpPort = await freePort()
    worker = new WorkerProcess(['--schedule-only', `--http-port=${httpPort}`])
    await worker.start({ ...redis.workerEnv, SEND_RECONCILE_INTERVAL: '1s' })
    assert.include(worker.output, 'schedules only')
    // Ready without BullMQ workers of its own: it needs only the queue.
    const ready = await fetch(`http://localhost:${httpPort}/health/ready`)
    assert.equal(ready.status, 200, await ready.text())

    assert.isOk(await queue.getJobScheduler('start-due-runs'))
    assert.isOk(await queue.getJobScheduler('recheck-sending-domains'))
    assert.isOk(await queue.getJobScheduler('purge-unconfirmed-signups'))
    assert.lengthOf(await queue.getWorkers(), 0, 'no BullMQ worker takes jobs')
    // Lost (as Redis loses them): its reconciler registers them again.
    await queue.removeJobScheduler('start-due-runs')
    await queue.removeJobScheduler('purge-unconfirmed-signups')
    await waitUntil('the job scheduler to be registered again', () =>
      queue.getJobScheduler('start-due-runs')
    )
    await waitUntil('the sign-up clean-up to be registered again', () =>
      queue.getJobScheduler('purge-unconfirmed-signups')
    )
  })

  test('a scheduler started while Redis refuses writes starts, and registers them once it can', async ({
    assert,
  }) => {
    // Full under noeviction, as after the fleet test's fill-redis fault:
    // before, the process neither started nor exited.
    await redis.client().config('SET', 'maxmemory', '1')
    worker = new WorkerProcess(['--schedule-only'])
    await worker.start({ ...redis.workerEnv, SEND_RECONCILE_INTERVAL: '1s' })
    assert.include(worker.output, 'Could not register the job schedulers')
    assert.isNotOk(await queue.getJobScheduler('start-due-runs'))

    await redis.client().config('SET', 'maxmemory', '0')
    await waitUntil('the reconciler to register the job schedulers', () =>
      queue.getJobScheduler('start-due-runs')
    )
  })

  test('--no-schedule runs jobs and leaves the schedulers to others', async ({ assert }) => {
    worker = new WorkerProcess(['--no-schedule'])
    await worker.start(redis.workerEnv)
    assert.include(worker.output, 'runs jobs only')

    const workers = await queue.getWorkers()
    assert.isAbove(workers.length, 0)
    assert.notOk(await queue.getJobScheduler('start-due-runs'))
  })

  test('--schedule-only with --no-schedule is refused', async ({ assert }) => {
    worker = new WorkerProcess(['--schedule-only', '--no-schedule'])
    const refused = await worker.start(redis.workerEnv).then(
      () => 'started',
      (error: Error) => error.message
    )
    assert.include(refused, 'leave the process nothing to do')
  })
})
