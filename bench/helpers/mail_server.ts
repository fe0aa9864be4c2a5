import { execSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { ServiceProcess } from '#tests/helpers/processes'
import { APP_ROOT } from './boot_app.js'
import type { TroubleMode } from './smtp_trouble_server.js'

export type MailServerMode = TroubleMode | 'refused'

/**
 * A mail server on one local port, in a process of its own
 * (bench/helpers/smtp_trouble_server.ts), so its work is not the measuring
 * process's; it can be restarted in another mode. "refused" is no process
 * at all.
 */
export class MailServerProcess {
  #server?: ServiceProcess

  constructor(readonly port: number) {}

  get pid() {
    return this.#server?.pid
  }

  async switchTo(mode: MailServerMode) {
    await this.close()
    if (mode === 'refused') return
    this.#server = new ServiceProcess(
      process.execPath,
      [
        '--import=ts-node-maintained/register/esm',
        'bench/helpers/smtp_trouble_server.ts',
        mode,
        String(this.port),
      ],
      { name: `The ${mode} SMTP server`, cwd: fileURLToPath(APP_ROOT), readyText: 'listening' }
    )
    await this.#server.start()
  }

  async close() {
    const server = this.#server
    this.#server = undefined
    await server?.stop()
  }
}

/**
 * A sink that accepts every message on `port`: Postfix's smtp-sink when it
 * is installed (bench:send installs it; it costs little CPU), otherwise the
 * healthy mode of the trouble server (smtp-server, in its own process).
 */
export async function startSink(port: number) {
  const binary = smtpSinkBinary()
  if (!binary) {
    const server = new MailServerProcess(port)
    await server.switchTo('healthy')
    return {
      name: 'smtp-server sink (own process)',
      pid: () => server.pid,
      stop: () => server.close(),
    }
  }
  // -u: smtp-sink refuses to keep root privileges after binding.
  const userArgs = process.getuid?.() === 0 ? ['-u', 'nobody'] : []
  const sink = new ServiceProcess(
    binary,
    [...userArgs, '-m', '1000', `127.0.0.1:${port}`, '1000'],
    {
      name: 'smtp-sink',
      keepOutput: 10_000,
    }
  )
  await sink.start()
  for (let tries = 0; !(await accepts(port)); tries++) {
    if (tries === 100) throw new Error(`smtp-sink did not listen on ${port}`)
    await sleep(50)
  }
  return { name: 'Postfix smtp-sink', pid: () => sink.pid, stop: () => sink.stop() }
}

function smtpSinkBinary() {
  try {
    return execSync('command -v smtp-sink', { encoding: 'utf8', shell: '/bin/sh' }).trim()
  } catch {
    return existsSync('/usr/sbin/smtp-sink') ? '/usr/sbin/smtp-sink' : null
  }
}

function accepts(port: number) {
  return new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}
