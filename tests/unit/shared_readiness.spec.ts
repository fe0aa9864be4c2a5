import { test } from '@japa/runner'
import { BaseCheck, HealthChecks, Result } from '@adonisjs/core/health'
import { sharedReadiness } from '#services/observability/monitoring_endpoints'

/**
 * A check that counts its runs and finishes when told to, so the test
 * decides what is in flight rather than the clock.
 */
class CountingCheck extends BaseCheck {
  name = 'counting'
  runs = 0
  #finish: Array<() => void> = []

  async run() {
    this.runs += 1
    await new Promise<void>((resolve) => this.#finish.push(resolve))
    return Result.ok('fine')
  }

  finishAll() {
    for (const finish of this.#finish.splice(0)) finish()
  }
}

test.group('Readiness shared between probes', () => {
  test('a flood of probes while the checks run gets one run and one report', async ({ assert }) => {
    const check = new CountingCheck()
    const readiness = sharedReadiness(() => new HealthChecks().register([check]))

    const probes = Array.from({ length: 50 }, () => readiness())
    await new Promise((resolve) => setImmediate(resolve))
    check.finishAll()
    const reports = await Promise.all(probes)

    assert.equal(check.runs, 1)
    assert.isTrue(reports.every((report) => report === reports[0]))
    assert.isTrue(reports[0].isHealthy)
    assert.isFalse(reports[0].checks[0].isCached)
    // Just after, the same report still answers, saying it is cached.
    const after = await readiness()
    assert.equal(check.runs, 1)
    assert.equal(after.finishedAt, reports[0].finishedAt)
    assert.isTrue(after.checks[0].isCached)
    assert.isTrue(after.isHealthy)
  })

  test('each server shares its own report', async ({ assert }) => {
    const web = new CountingCheck()
    const worker = new CountingCheck()
    const webReadiness = sharedReadiness(() => new HealthChecks().register([web]))
    const workerReadiness = sharedReadiness(() => new HealthChecks().register([worker]))

    const pending = [webReadiness(), workerReadiness()]
    await new Promise((resolve) => setImmediate(resolve))
    web.finishAll()
    worker.finishAll()
    const [fromWeb, fromWorker] = await Promise.all(pending)

    assert.deepEqual([web.runs, worker.runs], [1, 1])
    assert.notStrictEqual(fromWeb, fromWorker)
  })
})
