import { readFileSync } from 'node:fs'

const TICKS_PER_SECOND = 100

/**
 * CPU time (user + system) a process has used so far, in seconds, from
 * /proc/<pid>/stat; 0 when it is gone.
 */
export function cpuSeconds(pid: number | undefined) {
  if (!pid) return 0
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name may hold spaces: fields are counted after its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
  } catch {
    return 0
  }
}

/**
 * How long a process's main thread (a Node process's event loop) has been
 * ready to run but waiting for a CPU, in seconds, from /proc/<pid>/schedstat;
 * 0 when it is gone.
 */
export function runQueueWaitSeconds(pid: number | undefined) {
  if (!pid) return 0
  try {
    const [, waitingNs] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')
    return Number(waitingNs) / 1e9
  } catch {
    return 0
  }
}

/**
 * The kernel's high-water mark of a process's resident memory, in kB, from
 * /proc/<pid>/status; 0 when it is gone.
 */
export function peakResidentKb(pid: number | undefined) {
  if (!pid) return 0
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) : 0
  } catch {
    return 0
  }
}
