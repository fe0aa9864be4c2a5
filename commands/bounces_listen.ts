import type { Server } from 'node:http'
import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import env from '#start/env'
import bouncesConfig from '#config/bounces'
import { startWorkerHttpServer } from '#services/observability/worker_http_server'
import { openCache } from '#services/cache/open_cache'

/**
 * The bounce listener process: an SMTP server for BOUNCE_DOMAIN's MX that
 * reads DSNs and complaint reports (app/bounces/bounce_listener.ts). Stops
 * like the worker: on SIGTERM or SIGINT it takes no new connection, lets
 * the messages being received finish, and exits 0.
 */
export default class BouncesListen extends BaseCommand {
  static commandName = 'bounces:listen'
  static description = 'Receive bounces and complaints by SMTP (the MX of BOUNCE_DOMAIN)'

  static options: CommandOptions = {
    startApp: true,
    staysAlive: true,
  }

  @flags.number({ description: 'SMTP port (default: BOUNCES_PORT)' })
  declare port?: number

  @flags.number({ description: 'Port for /health/live and /health/ready (default: none)' })
  declare httpPort?: number

  async run() {
    const logger = await this.app.container.make('logger')
    if (!bouncesConfig.domain) {
      this.logger.error('BOUNCE_DOMAIN is not set: there is no bounce address to listen for')
      this.exitCode = 1
      return this.terminate()
    }
    // As the worker: what recording a bounce runs may use the cache
    // (webhook subscriptions, subscriptions.ts), and a cache first opened
    // during a Redis outage would kill the process with an unhandled
    // rejection (open_cache.ts).
    openCache()
    const { BounceListener } = await import('#bounces/bounce_listener')
    const listener = new BounceListener(logger)
    const port = this.port ?? bouncesConfig.port
    await listener.listen(port, bouncesConfig.host)

    let httpServer: Server | null = null
    if (this.httpPort) {
      httpServer = await startWorkerHttpServer({
        port: this.httpPort,
        host: env.get('HOST'),
        workers: null,
        logger,
      })
    }

    // Before the providers close the database: messages being received
    // still record their bounce.
    this.app.terminating(async () => {
      logger.info('Stopping: finishing the messages being received')
      httpServer?.close()
      await listener.close()
      setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref()
    })
    process.once('SIGINT', () => this.app.terminate())
    if (!process.listenerCount('SIGTERM')) {
      process.once('SIGTERM', () => this.app.terminate())
    }

    logger.info(
      `Bounce listener started on ${bouncesConfig.host}:${port} for ${bouncesConfig.domain} (pid ${process.pid})`
    )
  }
}
