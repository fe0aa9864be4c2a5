/*
 * The container health check (Dockerfile HEALTHCHECK, compose.yaml): exits 0
 * when the process inside the container answers its liveness path with a
 * 2xx, 1 otherwise. Plain node, because the slim image has neither curl nor
 * wget.
 *
 *   node deploy/healthcheck.js [port]
 *
 * The port is the argument, else HEALTHCHECK_PORT, else PORT (the web
 * server's); a worker's is its health port (compose.yaml).
 */
const port = process.argv[2] || process.env.HEALTHCHECK_PORT || process.env.PORT
const path = process.env.HEALTHCHECK_PATH || '/health/live'

let healthy = false
try {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    signal: AbortSignal.timeout(4000),
  })
  healthy = response.ok
  if (!healthy) console.error(`${path} answered ${response.status}`)
} catch (error) {
  console.error(`${path} on port ${port}: ${error.cause?.message ?? error.message}`)
}
// Now, not when an idle keep-alive socket closes.
process.exit(healthy ? 0 : 1)
