import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
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

/**
 * A long-running process (a server, a worker) the test starts and stops;
 * it keeps what the process printed, to wait on and to show on failure.
 */
export class ServiceProcess {
  output = ''
  #child?: ChildProcess

  constructor(
    private command: string,
    private args: string[],
    private options: SpawnOptions = {}
  ) {}

  get exited() {
    const child = this.#child
    return !child || child.exitCode !== null || child.signalCode !== null
  }

  start() {
    this.output = ''
    this.#child = spawn(this.command, this.args, {
      ...this.options,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.#child.stdout!.on('data', (chunk) => (this.output += chunk))
    this.#child.stderr!.on('data', (chunk) => (this.output += chunk))
    return this
  }

  /**
   * Resolves once the process has printed `text`; fails at once (with its
   * output) if it exits first.
   */
  waitForOutput(text: string, timeout = 60_000) {
    return waitUntil(
      `"${text}" from ${this.command} ${this.args.join(' ')}`,
      async () => {
        if (this.output.includes(text)) return true
        if (this.exited) throw new Error(`The process exited before "${text}":\n${this.output}`)
        return false
      },
      timeout
    )
  }

  /**
   * SIGTERM, then SIGKILL if it has not exited within `grace` ms (as
   * systemd's TimeoutStopSec and Docker's stop timeout do). Resolves with how
   * it ended.
   */
  async stop(grace = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const child = this.#child
    if (!child || this.exited) {
      return { code: child?.exitCode ?? null, signal: child?.signalCode ?? null }
    }
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal }))
    )
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), grace)
    const ending = await exited
    clearTimeout(timer)
    return ending
  }
}
