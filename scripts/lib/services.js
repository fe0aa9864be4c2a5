/*
 * Shared by the quick start and `npm test`: reads .env files and makes sure
 * the services the app needs are there, with a sentence when they are not.
 * Plain JavaScript: it runs before anything is compiled or configured.
 */
import { spawnSync, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import net from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

export function fail(sentence) {
  console.error(`\n✖ ${sentence}\n`)
  process.exit(1)
}

export function ensureNodeVersion() {
  const [major, minor] = process.versions.node.split('.').map(Number)
  // 20.19: what @noble/hashes 2 (otplib's TOTP hashing) declares it needs.
  if (major < 20 || (major === 20 && minor < 19)) {
    fail(`Mailings needs Node.js 20.19 or newer; this is ${process.versions.node}.`)
  }
}

/**
 * KEY=VALUE lines of the given files, later files winning, then the shell's
 * own environment winning over all of them (as AdonisJS does).
 */
export function readEnv(...files) {
  const values = {}
  for (const file of files) {
    if (!existsSync(file)) continue
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line)
      if (match) values[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2')
    }
  }
  return { ...values, ...process.env }
}

export function commandExists(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0
}

/**
 * Sends PING and resolves true on +PONG (or a NOAUTH answer: the server is
 * there, it just wants the password the app will send).
 */
export function redisAnswers(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port) })
    const done = (answer) => {
      socket.destroy()
      resolve(answer)
    }
    socket.setTimeout(1500, () => done(false))
    socket.once('error', () => done(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())))
  })
}

/**
 * Redis must answer at REDIS_HOST:REDIS_PORT. On this machine, a missing
 * server is started when `redis-server` is installed.
 */
export async function ensureRedis(env) {
  const host = env.REDIS_HOST || '127.0.0.1'
  const port = env.REDIS_PORT || '6379'
  if (await redisAnswers(host, port)) return

  const local = ['127.0.0.1', 'localhost', '::1'].includes(host)
  if (!local || !commandExists('redis-server')) {
    fail(
      `Redis is not answering at ${host}:${port}, and ${local ? 'no redis-server is installed here' : 'it is not on this machine'}. ` +
        'Install and start one (Debian/Ubuntu: sudo apt-get install redis-server), or set REDIS_HOST and REDIS_PORT in .env to a running server.'
    )
  }

  console.log(`• Redis is not running on port ${port}: starting a local redis-server`)
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'yes'],
    { stdio: 'ignore' }
  )
  await new Promise((resolve) => child.once('exit', resolve))
  for (let i = 0; i < 50; i++) {
    if (await redisAnswers(host, port)) return
    await sleep(100)
  }
  fail(`redis-server was started but does not answer on port ${port}. Check its log and try again.`)
}
