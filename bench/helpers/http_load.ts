import { createRequire } from 'node:module'

/**
 * What bench scripts read of autocannon's result (it ships no types).
 * Latencies in milliseconds; percentiles as autocannon names them (p97_5
 * is the 97.5th).
 */
export interface HttpLoadResult {
  requests: { average: number; total: number }
  latency: { p50: number; p90: number; p97_5: number; p99: number; max: number }
  errors: number
  timeouts: number
  non2xx: number
  duration: number
}

const autocannon = createRequire(import.meta.url)('autocannon') as (options: {
  url: string
  connections: number
  duration: number
  headers?: Record<string, string>
}) => Promise<HttpLoadResult>

/**
 * `connections` keep-alive clients requesting `url` as fast as it answers,
 * for `seconds` (autocannon, in this process). Any error or non-2xx answer
 * fails the run: a throughput of error pages would be no measure.
 */
export async function httpLoad(
  url: string,
  options: { connections: number; seconds: number; headers?: Record<string, string> }
) {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    headers: options.headers,
  })
  if (result.errors || result.timeouts || result.non2xx) {
    throw new Error(
      `GET ${url}: ${result.non2xx} answers other than 2xx, ${result.errors} errors, ${result.timeouts} timeouts`
    )
  }
  return result
}
