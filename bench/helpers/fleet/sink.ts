import { SMTPServer } from 'smtp-server'

/**
 * The fleet's mail server: accepts everything and records the messages each
 * recipient address got, and when, which is what the checks compare with the
 * database. It can misbehave for a while, as real servers do:
 * `refuseFor` answers 451 to every message (tempfail: the engine retries),
 * `dropFor` cuts every open connection and refuses new ones.
 */
export class CountingSink {
  /**
   * When (Date.now()) each copy an address got was accepted: the checks
   * attribute every copy but the last to the fault it happened near.
   */
  readonly acceptances = new Map<string, number[]>()
  accepted = 0
  refused = 0
  /** Messages to an address that had one already. */
  duplicates = 0
  #server?: SMTPServer
  #refusingUntil = 0
  #droppingUntil = 0

  get unique() {
    return this.acceptances.size
  }

  async start(port: number) {
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      size: 1024 * 1024,
      maxClients: 200,
      onConnect: (_session, callback) => {
        if (Date.now() < this.#droppingUntil) {
          return callback(Object.assign(new Error('Try again later'), { responseCode: 421 }))
        }
        callback()
      },
      onData: (stream, session, callback) => {
        stream.on('data', () => {})
        stream.on('end', () => {
          if (Date.now() < this.#refusingUntil || Date.now() < this.#droppingUntil) {
            this.refused += 1
            return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }))
          }
          // Counted when accepted: the 250 below is what the sender hears.
          for (const { address } of session.envelope.rcptTo) {
            const to = address.toLowerCase()
            const times = this.acceptances.get(to)
            if (times) {
              this.duplicates += 1
              times.push(Date.now())
            } else {
              this.acceptances.set(to, [Date.now()])
            }
          }
          this.accepted += 1
          callback()
        })
      },
    })
    this.#server.on('error', () => {})
    await new Promise<void>((resolve, reject) => {
      this.#server!.once('error', reject)
      this.#server!.listen(port, '127.0.0.1', () => resolve())
    })
  }

  refuseFor(ms: number) {
    this.#refusingUntil = Date.now() + ms
  }

  /**
   * Cuts the open connections (a crashed or restarted mail server) and
   * refuses connections for `ms`. Returns how many were cut.
   */
  dropFor(ms: number) {
    this.#droppingUntil = Date.now() + ms
    // smtp-server keeps its live connections in a set; each has its socket.
    const connections = [...((this.#server as any)?.connections ?? [])]
    for (const connection of connections) connection._socket?.destroy()
    return connections.length
  }

  async stop() {
    const server = this.#server
    if (!server) return
    for (const connection of (server as any).connections ?? []) connection._socket?.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
