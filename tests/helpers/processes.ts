import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { appendFileSync } from 'node:fs'
import { waitUntil } from '#tests/helpers/wait'

/**
 * Runs a command to its end, as an operator types it, and resolves with its
 * exit code and everything it printed (stdout and stderr interleaved), so a
 * failed assertion shows why.
 */
export function runCommand(command: string, args: string[], options: SpawnOptions = {}) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout!.on('data', (chunk) => (output += chunk))
    child.stderr!.on('data', (chunk) => (output += chunk))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, output }))
  })
}

export interface ServiceOptions {
  /** For messages ("worker-2 did not start…"); the command line by default. */
  name?: string
  cwd?: string
  env?: Record<string, string | undefined>
  /** What it prints once it is ready: start() resolves then. */
  readyText?: string
  /** How many characters of its output to keep (the end); all by default. */
  keepOutput?: number
  /** A file everything it prints is appended to, across restarts. */
  logFile?: string
}

export type Ending = { code: number | null; signal: NodeJS.Signals | null }

/**
 * A long-running process (a server, a worker, redis-server) that a test or a
 * benchmark starts, signals, stops and starts again exactly as before (same
 * command line and environment), keeping what it printed to wait on and to
 * show on failure. The one wrapper the tests (WorkerProcess), the benchmarks
 * (BenchWorker) and the fleet test build on.
 */
export class ServiceProcess {
  output = ''
  readonly name: string
  #child?: ChildProcess
  #exit?: Promise<Ending>

  constructor(
    private command: string,
    private args: string[],
    private options: ServiceOptions = {}
  ) {
    this.name = options.name ?? [command, ...args].join(' ')
  }

  get pid() {
    return this.#child?.pid
  }

  /**
   * How the process last ended (code or signal), while it is not running.
   */
  get ending(): Ending | null {
    const child = this.#child
    if (!child || !this.exited) return null
    return { code: child.exitCode, signal: child.signalCode }
  }

  get exited() {
    const child = this.#child
    return !child || child.exitCode !== null || child.signalCode !== null
  }

  get running() {
    return !this.exited
  }

  /**
   * Starts the process, with `env` over the environment it was given, and
   * resolves once it has printed its ready text (at once without one). Fails
   * with its output if it exits first or is not ready within `timeoutMs`
   * (then it is killed).
   */
  async start(env: Record<string, string | undefined> = {}, timeoutMs = 90_000) {
    this.output = ''
    const child = spawn(this.command, this.args, {
      cwd: this.options.cwd,
      env: { ...(this.options.env ?? process.env), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.#child = child
    this.#exit = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal }))
    )
    const record = (chunk: Buffer) => {
      this.output += chunk.toString()
      if (this.options.keepOutput) this.output = this.output.slice(-this.options.keepOutput)
      if (this.options.logFile) appendFileSync(this.options.logFile, chunk)
    }
    child.stdout!.on('data', record)
    child.stderr!.on('data', record)
    const readyText = this.options.readyText
    if (!readyText) return
    await new Promise<void>((resolve, reject) => {
      const giveUp = setTimeout(() => {
        child.kill('SIGKILL')
        reject(
          new Error(`${this.name} did not start within ${timeoutMs / 1000} s:\n${this.output}`)
        )
      }, timeoutMs)
      const ready = () => {
        if (!this.output.includes(readyText)) return
        clearTimeout(giveUp)
        child.stdout!.off('data', ready)
        child.stderr!.off('data', ready)
        resolve()
      }
      child.stdout!.on('data', ready)
      child.stderr!.on('data', ready)
      child.once('exit', (code, signal) => {
        clearTimeout(giveUp)
        reject(new Error(`${this.name} exited (${code ?? signal}) while starting:\n${this.output}`))
      })
    })
  }

  /**
   * Resolves once the process has printed `text`; fails at once (with its
   * output) if it exits first.
   */
  waitForOutput(text: string, timeout = 60_000) {
    return waitUntil(
      `"${text}" from ${this.name}`,
      async () => {
        if (this.output.includes(text)) return true
        if (this.exited) throw new Error(`The process exited before "${text}":\n${this.output}`)
        return false
      },
      timeout
    )
  }

  signal(signal: NodeJS.Signals) {
    if (this.running) this.#child!.kill(signal)
  }

  /**
   * Sends `signal` and resolves with how the process ended; with `graceMs`,
   * SIGKILL if it has not exited by then (as systemd's TimeoutStopSec and
   * Docker's stop timeout do).
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs?: number): Promise<Ending> {
    const child = this.#child
    if (!child || this.exited) {
      return { code: child?.exitCode ?? null, signal: child?.signalCode ?? null }
    }
    // A stopped (SIGSTOP) process must run again to handle the signal.
    if (signal !== 'SIGKILL') child.kill('SIGCONT')
    child.kill(signal)
    const timer =
      graceMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), graceMs)
    const ending = await this.#exit!
    clearTimeout(timer)
    return ending
  }
}
