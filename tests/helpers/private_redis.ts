import { spawn, type ChildProcess } from 'node:child_process'
import { Redis } from 'ioredis'
import { freePort } from '#tests/helpers/net'

/**
 * A redis-server of the test's own, on a free port, without persistence:
 * tests that flush Redis or restart it do it here, never to the shared one
 * other test runs use. Workers are pointed at it with `workerEnv`.
 */
export class PrivateRedis {
  port = 0
  #server?: ChildProcess
  #clients: Redis[] = []

  constructor(private args: string[] = []) {}

  /**
   * Starts the server, empty, on its port (a new free one the first time,
   * the same one after a stop: a restart).
   */
  async start() {
    this.port ||= await freePort()
    const server = spawn(
      process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server',
      [
        ...['--port', String(this.port), '--bind', '127.0.0.1'],
        ...['--save', '', '--appendonly', 'no'],
        ...this.args,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    )
    this.#server = server
    let output = ''
    await new Promise<void>((resolve, reject) => {
      const onOutput = (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes('Ready to accept connections')) resolve()
      }
      server.stdout!.on('data', onOutput)
      server.stderr!.on('data', onOutput)
      server.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${output}`)))
    })
  }

  /**
   * Kills the server (SIGKILL: nothing is saved, like a crash).
   */
  async stop() {
    const server = this.#server
    if (!server || server.exitCode !== null || server.signalCode !== null) return
    await new Promise<void>((resolve) => {
      server.once('exit', () => resolve())
      server.kill('SIGKILL')
    })
  }

  /**
   * A connection of the test's own, for its checks (closed by `close`).
   */
  client() {
    const client = new Redis({ host: '127.0.0.1', port: this.port, maxRetriesPerRequest: null })
    client.on('error', () => {})
    this.#clients.push(client)
    return client
  }

  /**
   * The connection settings for BullMQ queues of the test.
   */
  get connection() {
    return { host: '127.0.0.1', port: this.port, db: 0 }
  }

  /**
   * What a worker process needs to use this server instead of the shared one.
   */
  get workerEnv() {
    return { REDIS_HOST: '127.0.0.1', REDIS_PORT: String(this.port), REDIS_DB: '0' }
  }

  async close() {
    for (const client of this.#clients) client.disconnect()
    this.#clients = []
    await this.stop()
  }
}
