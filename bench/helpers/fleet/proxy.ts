import http from 'node:http'

/**
 * The fleet's load balancer: round robin over the web processes, and when
 * one does not take the connection (restarting) the request goes to the
 * next one. Only a refused connection is retried: the request never reached
 * the app, so replaying it is safe whatever its method; anything else
 * (a reset mid-request) answers 502, and the client retries with its
 * Idempotency-Key, as an API client does. Test infrastructure, loopback only.
 */
export class RoundRobinProxy {
  failovers = 0
  #server?: http.Server
  #next = 0
  #agent = new http.Agent({ keepAlive: true, maxSockets: 32 })

  constructor(private backends: number[]) {}

  async start(port: number) {
    this.#server = http.createServer((request, response) => this.#handle(request, response))
    await new Promise<void>((resolve, reject) => {
      this.#server!.once('error', reject)
      this.#server!.listen(port, '127.0.0.1', () => resolve())
    })
  }

  async stop() {
    this.#agent.destroy()
    await new Promise<void>((resolve) =>
      this.#server ? this.#server.close(() => resolve()) : resolve()
    )
  }

  async #handle(request: http.IncomingMessage, response: http.ServerResponse) {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    const first = this.#next++ % this.backends.length
    for (let tried = 0; tried < this.backends.length; tried++) {
      const port = this.backends[(first + tried) % this.backends.length]
      const outcome = await this.#forward(port, request, body, response)
      if (outcome !== 'refused') return
      this.failovers += 1
    }
    response.writeHead(503, { 'content-type': 'text/plain' }).end('No web process is up')
  }

  #forward(
    port: number,
    request: http.IncomingMessage,
    body: Buffer,
    response: http.ServerResponse
  ) {
    return new Promise<'done' | 'refused'>((resolve) => {
      const upstream = http.request(
        {
          host: '127.0.0.1',
          port,
          method: request.method,
          path: request.url,
          headers: { ...request.headers, 'content-length': String(body.length) },
          agent: this.#agent,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(response)
          answer.once('end', () => resolve('done'))
          answer.once('error', () => {
            response.destroy()
            resolve('done')
          })
        }
      )
      upstream.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNREFUSED') return resolve('refused')
        if (!response.headersSent) response.writeHead(502).end(`Bad gateway: ${error.code}`)
        else response.destroy()
        resolve('done')
      })
      upstream.end(body)
    })
  }
}
