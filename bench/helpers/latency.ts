import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'

/**
 * The value below which `fraction` of the samples fall (nearest rank).
 */
export function percentile(samples: number[], fraction: number) {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.ceil(fraction * sorted.length) - 1
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]
}

/**
 * Median, 95th percentile and maximum of latencies in milliseconds.
 */
export function latencySummary(samples: number[]) {
  return {
    median: percentile(samples, 0.5),
    p95: percentile(samples, 0.95),
    max: Math.max(...samples),
  }
}

export function formatMs(value: number) {
  return value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`
}

/**
 * The 1, 5 and 15 minute load averages, for the record next to the numbers.
 */
export function loadAverages() {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ')
}

/**
 * The median time, in milliseconds, of `runs` runs of some work.
 */
export async function medianOf(runs: number, work: () => Promise<unknown>) {
  const times: number[] = []
  for (let run = 0; run < runs; run++) {
    const started = performance.now()
    await work()
    times.push(performance.now() - started)
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]
}
