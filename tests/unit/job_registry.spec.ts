import { test } from '@japa/runner'
import { readdir } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import { UnrecoverableError } from 'bullmq'
import { jobs } from '#start/jobs'
import QueueWorker from '#services/queue/worker'

test.group('Job registry', () => {
  test('every registered job loads and is stored under its registry name', async ({ assert }) => {
    for (const [name, load] of Object.entries(jobs)) {
      const { default: jobClass } = await load()
      assert.equal(
        (jobClass as any).$$filepath,
        name,
        `${name} must return "${name}" from $$filepath`
      )
      assert.isFunction(jobClass.prototype.handle, `${name} has no handle()`)
      assert.strictEqual(await QueueWorker.resolve(name), jobClass)
    }
  })

  test('every job file in app/jobs is registered', async ({ assert }) => {
    const entries = await readdir(app.makePath('app/jobs'))
    const files = entries.filter((file) => file.endsWith('_job.ts'))
    const registered = new Set(
      await Promise.all(
        Object.values(jobs).map(async (load) => {
          const { default: jobClass } = await load()
          return jobClass.name
        })
      )
    )
    for (const file of files) {
      const { default: jobClass } = await import(app.makePath('app/jobs', file))
      assert.isTrue(registered.has(jobClass.name), `${file} is missing from start/jobs.ts`)
    }
  })

  test('an unknown job name fails for good instead of completing', async ({ assert }) => {
    await assert.rejects(() => QueueWorker.resolve('no_such_job'), UnrecoverableError)
  })
})
