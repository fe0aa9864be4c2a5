/*
| Where a process's CPU went, from V8 CPU profiles (`node --cpu-prof`, or
| `BENCH_PROFILE=<dir> npm run bench:send`):
|
|   node --import=ts-node-maintained/register/esm bench/cpu_profile_summary.ts <dir or .cpuprofile>… [--top=30] [--per=20000]
|
| Sums each function's self time (samples where it was the one running) by
| area (a package of node_modules, a file of the app, Node's internals,
| garbage collection, idle) and by function, over every profile given. With
| --per=N (the messages the profiled processes sent) it also prints
| microseconds per message, comparable with the benchmark's CPU per message.
*/

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

const args = process.argv.slice(2)
const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1]
const TOP = Number(option('top') ?? 30)
const PER = option('per') ? Number(option('per')) : null
const files = args
  .filter((arg) => !arg.startsWith('--'))
  .flatMap((path) =>
    statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((name) => name.endsWith('.cpuprofile'))
          .map((name) => join(path, name))
      : [path]
  )
if (files.length === 0) {
  console.error('usage: cpu_profile_summary.ts <dir or .cpuprofile>… [--top=30] [--per=N]')
  process.exit(1)
}

/**
 * What a call frame belongs to: a package, a file of the app, Node, or one
 * of V8's pseudo-frames.
 */
function areaOf(url: string, functionName: string) {
  if (!url) {
    if (functionName === '(garbage collector)') return '(garbage collector)'
    if (functionName === '(idle)') return '(idle)'
    if (functionName === '(program)') return '(program: V8 and native code)'
    return `(native) ${functionName}`
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg) return pkg[1]
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`
  const app = /\/build\/(.+)$/.exec(url) ?? /\/(app|config|start|providers)\/(.+)$/.exec(url)
  if (app) return app[0].replace(/^\/build\//, '').replace(/^\//, '')
  return url
}

const byArea = new Map<string, number>()
const byFunction = new Map<string, number>()
let total = 0
let wall = 0

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  wall += (profile.endTime - profile.startTime) / 1000
  profile.samples.forEach((id, index) => {
    const node = nodes.get(id)!
    const ms = (profile.timeDeltas[index] ?? 0) / 1000
    const { functionName, url, lineNumber } = node.callFrame
    const area = areaOf(url, functionName)
    byArea.set(area, (byArea.get(area) ?? 0) + ms)
    const name = `${functionName || '(anonymous)'} ${url ? `${area}:${lineNumber + 1}` : ''}`
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms)
    if (functionName !== '(idle)') total += ms
  })
}

const format = (ms: number) => {
  const share = `${((100 * ms) / total).toFixed(1)} %`.padStart(7)
  const per = PER ? `${((ms * 1000) / PER).toFixed(1)} µs/msg`.padStart(14) : ''
  return `${ms.toFixed(0).padStart(8)} ms ${share}${per}`
}

console.log(
  `${files.length} profile(s), ${(wall / 1000).toFixed(1)} s of wall time, ${(total / 1000).toFixed(1)} s busy (idle left out)${PER ? `, ${PER.toLocaleString('en')} messages: ${((total * 1000) / PER).toFixed(0)} µs busy per message` : ''}\n`
)
console.log('By area (self time):')
for (const [area, ms] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
  if (area === '(idle)') continue
  console.log(`${format(ms)}  ${area}`)
}
console.log('\nBy function (self time):')
for (const [name, ms] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
  if (name.startsWith('(idle)')) continue
  console.log(`${format(ms)}  ${name}`)
}
