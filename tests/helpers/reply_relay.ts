import { createServer, connect, type Server, type Socket } from 'node:net'

/**
 * A TCP relay in front of a test SMTP server that rewrites its replies:
 * each line holding a marker gets the marker replaced with raw bytes.
 * smtp-server turns control characters in a reply into spaces and writes
 * text as UTF-8, so a NUL byte or bytes that are not UTF-8 can only reach
 * the client this way, as a misbehaving server would send them.
 */
export class ReplyRelay {
  #server?: Server
  #sockets = new Set<Socket>()

  constructor(
    private upstreamPort: number,
    private replacements: Record<string, Buffer>
  ) {}

  async start(port: number) {
    this.#server = createServer((client) => {
      const upstream = connect(this.upstreamPort, '127.0.0.1')
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket)
        socket.on('close', () => this.#sockets.delete(socket))
        socket.on('error', () => {
          client.destroy()
          upstream.destroy()
        })
      }
      client.pipe(upstream)
      let pending = Buffer.alloc(0)
      upstream.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk])
        const end = pending.lastIndexOf('\r\n')
        if (end === -1) return
        client.write(this.#rewrite(pending.subarray(0, end + 2)))
        pending = pending.subarray(end + 2)
      })
      upstream.on('end', () => client.end())
    })
    await new Promise<void>((resolve) => this.#server!.listen(port, '127.0.0.1', () => resolve()))
  }

  async stop() {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise<void>((resolve) =>
      this.#server ? this.#server.close(() => resolve()) : resolve()
    )
  }

  #rewrite(lines: Buffer) {
    let rewritten = lines
    for (const [marker, bytes] of Object.entries(this.replacements)) {
      for (let at = rewritten.indexOf(marker); at !== -1; at = rewritten.indexOf(marker)) {
        rewritten = Buffer.concat([
          rewritten.subarray(0, at),
          bytes,
          rewritten.subarray(at + marker.length),
        ])
      }
    }
    return rewritten
  }
}
