import { BaseCheck, Result } from '@adonisjs/core/health'
import type { HealthCheckContract, HealthCheckResult } from '@adonisjs/core/types/health'

/**
 * A check that answers within `timeoutMs` and never throws: a probe must
 * get an answer even when a dependency hangs (a Redis that accepts the
 * connection and says nothing, a database pool waiting for a connection),
 * and AdonisJS's runner fails the whole report when one check throws.
 */
export class BoundedCheck extends BaseCheck {
  name: string

  constructor(
    private check: HealthCheckContract,
    private timeoutMs: number
  ) {
    super()
    this.name = check.name
  }

  async run(): Promise<HealthCheckResult> {
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<HealthCheckResult>((resolve) => {
      timer = setTimeout(
        () => resolve(Result.failed(`No answer within ${this.timeoutMs} ms`)),
        this.timeoutMs
      )
    })
    try {
      return await Promise.race([
        this.check.run().catch((error) => Result.failed(String(error?.message ?? error), error)),
        timedOut,
      ])
    } finally {
      clearTimeout(timer)
    }
  }
}
