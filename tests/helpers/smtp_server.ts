import { SMTPServer, type SMTPServerOptions } from 'smtp-server'
import { simpleParser, type ParsedMail } from 'mailparser'

export interface ReceivedMail {
  from: string
  to: string[]
  raw: string
  parsed: ParsedMail
}

/**
 * What the server does with the next transaction. Tests script misbehaviour
 * (slow answers, 4xx, 5xx, dropped connections) by pushing behaviours.
 */
export type SmtpBehaviour =
  | { kind: 'accept'; reply?: string }
  | { kind: 'reject'; code: number; message: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop' }

/**
 * A real SMTP server for tests, listening on localhost. It keeps every
 * accepted message (raw and parsed) and can wait for one to arrive.
 */
export class TestSmtpServer {
  received: ReceivedMail[] = []
  /**
   * Transactions the server is holding (a scripted delay) right now.
   */
  holding = 0
  #server?: SMTPServer
  #waiters: {
    predicate: (mail: ReceivedMail) => boolean
    resolve: (mail: ReceivedMail) => void
  }[] = []
  #behaviours: SmtpBehaviour[] = []
  #perRecipient = new Map<string, SmtpBehaviour[]>()
  #rcptReplies = new Map<string, { code: number; message: string }[]>()
  #closedSessions = new Set<string>()
  defaultBehaviour: SmtpBehaviour = { kind: 'accept' }

  constructor(public port: number) {}

  async start(options: Partial<SMTPServerOptions> = {}) {
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      ...options,
      onRcptTo: (address, _session, callback) => {
        const reply = this.#rcptReplies.get(address.address.toLowerCase())?.shift()
        if (!reply) return callback()
        callback(Object.assign(new Error(reply.message), { responseCode: reply.code }))
      },
      onData: (stream, session, callback) => this.#onData(stream, session, callback),
      onClose: (session) => {
        this.#closedSessions.add(session.id)
      },
    })
    this.#server.on('error', () => {})
    await new Promise<void>((resolve, reject) => {
      this.#server!.once('error', reject)
      this.#server!.listen(this.port, '127.0.0.1', () => resolve())
    })
  }

  async stop() {
    await new Promise<void>((resolve) =>
      this.#server ? this.#server.close(() => resolve()) : resolve()
    )
  }

  /**
   * Queue behaviours for the next transactions, in order.
   */
  script(...behaviours: SmtpBehaviour[]) {
    this.#behaviours.push(...behaviours)
  }

  /**
   * Behaviours for the next transactions to one address, in order (then it
   * is accepted). Tests that share the server do not disturb each other.
   */
  scriptFor(address: string, ...behaviours: SmtpBehaviour[]) {
    this.#perRecipient.set(address.toLowerCase(), behaviours)
  }

  /**
   * Replies to the next RCPT TO commands naming `address`, in order (then
   * the recipient is accepted): the server refuses the recipient before
   * any message is sent.
   */
  refuseRecipient(address: string, ...replies: { code: number; message: string }[]) {
    this.#rcptReplies.set(address.toLowerCase(), replies)
  }

  reset() {
    this.received = []
    this.#behaviours = []
    this.defaultBehaviour = { kind: 'accept' }
  }

  messagesTo(address: string) {
    return this.received.filter((mail) => mail.to.includes(address.toLowerCase()))
  }

  /**
   * Resolves with the first message (already received or still to come)
   * that matches; rejects after `timeout` ms so a missing mail fails the
   * test with a sentence instead of hanging it.
   */
  waitFor(predicate: (mail: ReceivedMail) => boolean, timeout = 15_000) {
    const existing = this.received.find(predicate)
    if (existing) return Promise.resolve(existing)

    return new Promise<ReceivedMail>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('No matching email reached the test SMTP server')),
        timeout
      )
      this.#waiters.push({
        predicate,
        resolve: (mail) => {
          clearTimeout(timer)
          resolve(mail)
        },
      })
    })
  }

  waitForMailTo(address: string, subjectIncludes?: string) {
    return this.waitFor(
      (mail) =>
        mail.to.includes(address.toLowerCase()) &&
        (!subjectIncludes || (mail.parsed.subject ?? '').includes(subjectIncludes))
    )
  }

  #onData(
    stream: NodeJS.ReadableStream,
    session: any,
    callback: (error?: Error | null, reply?: string) => void
  ) {
    const recipients: string[] = session.envelope.rcptTo.map((rcpt: { address: string }) =>
      rcpt.address.toLowerCase()
    )
    const scripted = recipients.map((to) => this.#perRecipient.get(to)).find((list) => list?.length)
    const behaviour = scripted?.shift() ?? this.#behaviours.shift() ?? this.defaultBehaviour
    const chunks: Buffer[] = []
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    stream.on('end', async () => {
      if (behaviour.kind === 'drop') {
        session.socket?.destroy?.()
        return
      }
      if (behaviour.kind === 'delay') {
        this.holding += 1
        await new Promise((resolve) => setTimeout(resolve, behaviour.ms))
        this.holding -= 1
        // The client gave up waiting (a timeout): it never got a reply, so
        // the message was not accepted.
        if (this.#closedSessions.has(session.id)) return callback(new Error('closed'))
      }
      if (behaviour.kind === 'reject') {
        const error = new Error(behaviour.message) as Error & { responseCode: number }
        error.responseCode = behaviour.code
        return callback(error)
      }

      const raw = Buffer.concat(chunks).toString('utf8')
      const mail: ReceivedMail = {
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        to: recipients,
        raw,
        parsed: await simpleParser(raw),
      }
      this.received.push(mail)
      callback(null, behaviour.kind === 'accept' ? behaviour.reply : undefined)

      for (const waiter of [...this.#waiters]) {
        if (waiter.predicate(mail)) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1)
          waiter.resolve(mail)
        }
      }
    })
  }
}
