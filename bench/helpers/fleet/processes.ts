import { spawn, type ChildProcess } from 'node:child_process'
import { appendFileSync, mkdirSync, rmSync } from 'node:fs'

const LOG_TAIL = 20_000

/**
 * One process of the fleet (a web server, a worker, a scheduler, Redis):
 * started from a command line and an environment it keeps, so a fault can
 * kill it and start it again exactly as before. Keeps the end of what it
 * printed for error messages.
 */
export class FleetProcess {
  log = ''
  #child?: ChildProcess
  #exited?: Promise<void>

  constructor(
    readonly name: string,
    private command: string,
    private args: string[],
    private options: {
      cwd?: string
      env?: NodeJS.ProcessEnv
      readyText: string
      /** Where everything it prints is appended, across restarts. */
      logFile?: string
    }
  ) {}

  get pid() {
    return this.#child?.pid
  }

  get running() {
    const child = this.#child
    return Boolean(child) && child!.exitCode === null && child!.signalCode === null
  }

  /**
   * Starts the process and resolves once it has printed its ready text.
   */
  async start(timeoutMs = 90_000) {
    this.log = ''
    const child = spawn(this.command, this.args, {
      cwd: this.options.cwd,
      env: this.options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.#child = child
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()))
    await new Promise<void>((resolve, reject) => {
      const giveUp = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`${this.name} did not start within ${timeoutMs / 1000} s:\n${this.log}`))
      }, timeoutMs)
      const record = (chunk: Buffer) => {
        this.log = (this.log + chunk.toString()).slice(-LOG_TAIL)
        if (this.options.logFile) appendFileSync(this.options.logFile, chunk)
        if (this.log.includes(this.options.readyText)) {
          clearTimeout(giveUp)
          resolve()
        }
      }
      child.stdout!.on('data', record)
      child.stderr!.on('data', record)
      child.once('exit', (code, signal) => {
        clearTimeout(giveUp)
        reject(new Error(`${this.name} exited (${code ?? signal}) while starting:\n${this.log}`))
      })
    })
  }

  signal(signal: NodeJS.Signals) {
    if (this.running) this.#child!.kill(signal)
  }

  /**
   * Sends `signal` and waits for the exit; SIGKILL after `graceMs`.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 30_000) {
    if (!this.running) return
    // A stopped (SIGSTOP) process must run again to handle SIGTERM.
    this.#child!.kill('SIGCONT')
    this.#child!.kill(signal)
    const timer = setTimeout(() => this.#child?.kill('SIGKILL'), graceMs)
    await this.#exited
    clearTimeout(timer)
  }
}

/**
 * The fleet's own redis-server, as the README tells operators to run it for
 * BullMQ: append-only file on, never evicting. `stop('SIGTERM')` is a clean
 * shutdown (the file is flushed), `stop('SIGKILL')` a crash (up to a second
 * of writes lost: appendfsync everysec); `start()` again reloads the file
 * from the same folder.
 */
export function fleetRedis(port: number, dir: string) {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  return new FleetProcess(
    `redis:${port}`,
    process.env.REDIS_SERVER_PATH ?? 'redis-server',
    [
      ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
      ...['--appendonly', 'yes', '--maxmemory-policy', 'noeviction', '--daemonize', 'no'],
    ],
    { readyText: 'Ready to accept connections' }
  )
}
