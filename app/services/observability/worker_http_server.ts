import { createServer, type Server } from 'node:http'
import type { Worker } from 'bullmq'
import type { LoggerService } from '@adonisjs/core/types'
import monitoringConfig from '#config/monitoring'
import { workerReadiness } from '#services/observability/readiness'
import {
  answerMonitoringRequest,
  sharedReadiness,
} from '#services/observability/monitoring_endpoints'

/**
 * A worker's own small HTTP server (WORKER_HTTP_PORT, or `queue:listen
 * --http-port`): /health/live, /health/ready (the worker's view: its BullMQ
 * workers take jobs, database and Redis answer, migrations applied) and
 * /metrics, with the same rules and tokens as the web server. Plain
 * node:http: a worker runs no AdonisJS HTTP server, and these three paths
 * need none of its middleware.
 */
export async function startWorkerHttpServer(options: {
  port: number
  host: string
  /** Null in a scheduler process, which runs no jobs. */
  workers: (() => readonly Worker[]) | null
  logger: LoggerService
}): Promise<Server> {
  const readiness = sharedReadiness(() => workerReadiness(options.workers))
  // Node enforces the timeouts below on this interval (30 s by default).
  const server = createServer({ connectionsCheckingInterval: 2000 }, async (request, response) => {
    try {
      const answer = await answerMonitoringRequest(
        {
          method: request.method ?? 'GET',
          path: new URL(request.url ?? '/', 'http://worker').pathname,
          headers: request.headers,
        },
        {
          readiness,
          healthToken: monitoringConfig.healthToken,
          metricsToken: monitoringConfig.metricsToken,
        }
      )
      response.writeHead(answer.status, answer.headers)
      response.end(request.method === 'HEAD' ? undefined : answer.body)
    } catch (error) {
      options.logger.error({ err: error }, 'Worker HTTP request failed')
      response.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' })
      response.end(JSON.stringify({ error: 'Internal error' }))
    }
  })
  // Probes and scrapes keep no connection open long; a slow client must
  // not hold a socket.
  server.requestTimeout = 10_000
  server.headersTimeout = 10_000
  // Probes and scrapes come from a few monitors: a flood of connections is
  // refused instead of holding the worker's sockets and memory.
  server.maxConnections = 64
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => resolve())
  })
  options.logger.info(
    `Worker health and metrics on http://${options.host}:${options.port} (/health/live, /health/ready, /metrics)`
  )
  return server
}
