import http from 'node:http'

export type LogLine = Record<string, any>

/**
 * The JSON lines a process printed (NODE_ENV=production logs one object
 * per line). A line that starts like JSON but does not parse fails: a
 * broken line is what these tests look for.
 */
export function logLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      try {
        return JSON.parse(line)
      } catch {
        throw new Error(`A log line is not JSON: ${line.slice(0, 300)}`)
      }
    })
}

/**
 * The access log lines of the request with this id.
 */
export function requestLines(output: string, requestId: string) {
  return logLines(output).filter(
    (line) => line.msg === 'request completed' && line.request_id === requestId
  )
}

/**
 * A GET with exactly these headers, from `localAddress` (127.0.0.2 poses
 * as the trusted proxy, tests/helpers/proxy.ts). node:http rather than
 * fetch, which cannot choose the source address.
 */
export function rawGet(
  url: string,
  headers: Record<string, string> = {},
  localAddress = '127.0.0.1'
) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const request = http.get(url, { headers, localAddress, agent: false }, (response) => {
      response.resume()
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers }))
    })
    request.on('error', reject)
  })
}
