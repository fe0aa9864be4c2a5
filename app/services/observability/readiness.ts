import { HealthChecks } from '@adonisjs/core/health'
import type { HealthCheckContract } from '@adonisjs/core/types/health'
import { DbCheck } from '@adonisjs/lucid/database'
import db from '@adonisjs/lucid/services/db'
import { RedisCheck } from '@adonisjs/redis'
import redis from '@adonisjs/redis/services/main'
import type { Worker } from 'bullmq'
import monitoringConfig from '#config/monitoring'
import { BoundedCheck } from '#services/observability/checks/bounded_check'
import { MigrationsCheck } from '#services/observability/checks/migrations_check'
import { QueueCheck } from '#services/observability/checks/queue_check'
import { QueueWorkersCheck } from '#services/observability/checks/queue_workers_check'

/**
 * The checks are built for each probe, on the connections of the moment:
 * @adonisjs/redis replaces a connection that gave up reconnecting, and a
 * check holding the old one would report it dead for ever.
 */
function bounded(checks: HealthCheckContract[]) {
  return new HealthChecks().register(
    checks.map((check) => new BoundedCheck(check, monitoringConfig.checkTimeout))
  )
}

/**
 * A web process is ready when it can serve pages and queue work: the
 * database answers, with every migration applied, and Redis answers, both
 * the app's connection (sessions, cache, rate limits) and the queue's.
 */
export function webReadiness() {
  return bounded([
    new DbCheck(db.connection()).as('database'),
    new RedisCheck(redis.connection()).as('redis'),
    new MigrationsCheck(),
    new QueueCheck(),
  ])
}

/**
 * A worker is ready when its BullMQ workers take jobs and the database and
 * Redis its jobs use answer. A scheduler process (`queue:listen
 * --schedule-only`, `workers` null) runs no jobs: it is ready when it can
 * reach the queue it keeps the job schedulers of.
 */
export function workerReadiness(workers: (() => readonly Worker[]) | null) {
  return bounded([
    new DbCheck(db.connection()).as('database'),
    new RedisCheck(redis.connection()).as('redis'),
    new MigrationsCheck(),
    workers ? new QueueWorkersCheck(workers) : new QueueCheck(),
  ])
}
