import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server'
import type { Readable } from 'node:stream'
import type { Logger } from '@adonisjs/core/logger'
import bouncesConfig from '#config/bounces'
import { parseBounceMessage } from '#bounces/parse_bounce'
import { deliveryIdFromBounceToken, tokenOfBounceAddress } from '#bounces/verp'
import RecordBounce from '#actions/bounces/record_bounce'
import { networkKey } from '#services/http/client_networks'

/**
 * Recipients per message: a DSN has one (the Return-Path), an FBL report
 * one or two. More is somebody using the listener as a relay.
 */
const MOST_RECIPIENTS = 5

/**
 * Connections a minute from one address (an IPv6 client: its /64): a real
 * MTA sends a few; more is a flood, answered 421 (the sender retries).
 */
const CONNECTIONS_PER_MINUTE = 120

/**
 * Refused recipients per connection: smtp-server bounds neither RCPTs nor
 * messages per connection and the rate limit counts connections, so
 * without these one connection could try tokens (or fill the logs)
 * forever. An MTA delivering a DSN to a token it was given is refused at
 * most a few times (a revoked token, a typo in a forwarding rule); past
 * this, it is somebody guessing, answered 421 and disconnected.
 */
const MOST_REFUSED_RECIPIENTS = 10

/**
 * Messages per connection: an MTA with a backlog of DSNs for us sends a
 * few on one connection before opening another; past this, one valid
 * token looped over DATA would cost a parse and a database write each
 * time, so the connection is closed with 421 (a real MTA reconnects,
 * under the connection rate limit).
 */
const MOST_MESSAGES = 20

/** What one connection has done so far (the session object lives as long as it). */
type SessionCounts = { refused: number; messages: number }

type SmtpError = Error & { responseCode?: number }

function smtpError(code: number, message: string): SmtpError {
  return Object.assign(new Error(message), { responseCode: code })
}

/**
 * The SMTP server of `node ace bounces:listen`, the MX of BOUNCE_DOMAIN.
 *
 * - RCPT TO takes only `bounces+<token>@BOUNCE_DOMAIN` with a token we
 *   issued (verp.ts), and `bounces@BOUNCE_DOMAIN` (the address to register
 *   with mailbox providers' feedback loops, whose reports name the
 *   delivery in the quoted original's Return-Path). Anything else is
 *   refused with 550, so the listener is no open relay and forged tokens
 *   cost one line.
 * - Messages are bounded (BOUNCES_MAX_MESSAGE_BYTES, refused with 552),
 *   connections too (BOUNCES_MAX_CONNECTIONS at once, BOUNCES_SOCKET_TIMEOUT,
 *   CONNECTIONS_PER_MINUTE per client network, 5 recipients a message,
 *   MOST_REFUSED_RECIPIENTS and MOST_MESSAGES a connection, then 421).
 * - A message is read (parse_bounce.ts) and recorded (RecordBounce) before
 *   it is answered: 250 once recorded or deliberately dropped (no valid
 *   token, not a bounce, a delay notice), 451 when it cannot be recorded
 *   yet (the database is away, or our own send is still being settled), so
 *   the sending server tries again later and nothing is lost.
 *
 * No AUTH (nobody logs in to an MX) and no STARTTLS: DSNs carry no secret,
 * and a self-signed certificate would buy nothing.
 */
export class BounceListener {
  #server: SMTPServer
  #recentConnections = new Map<string, number>()
  #windowStartedAt = Date.now()
  #sessions = new WeakMap<SMTPServerSession, SessionCounts>()

  constructor(private logger: Logger) {
    this.#server = new SMTPServer({
      name: bouncesConfig.domain ?? undefined,
      banner: 'Mailings bounce listener',
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      size: bouncesConfig.maxMessageBytes,
      rejectOversized: true,
      maxClients: bouncesConfig.maxConnections,
      socketTimeout: bouncesConfig.socketTimeout,
      closeTimeout: 10_000,
      logger: false,
      // Nothing reads the client's host name: no DNS query per connection.
      disableReverseLookup: true,
      onConnect: (session, callback) => callback(this.#checkRate(session)),
      onMailFrom: (_address, session, callback) => callback(this.#checkMessages(session)),
      onRcptTo: (address, session, callback) => callback(this.#checkRecipient(address, session)),
      onData: (stream, session, callback) => {
        this.#countsOf(session).messages++
        this.#receive(stream, session).then(
          () => callback(),
          (error: SmtpError) => callback(error)
        )
      },
    })
    this.#server.on('error', (error) => this.logger.warn({ err: error }, 'Bounce listener error'))
  }

  listen(port = bouncesConfig.port, host = bouncesConfig.host) {
    return new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject)
        resolve()
      })
    })
  }

  /**
   * Stops taking connections and waits for the open ones to finish their
   * message (closeTimeout at most).
   */
  close() {
    return new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  /**
   * A fixed one-minute window per client network, in memory: one listener
   * process per MX host, so no shared store is needed.
   */
  #checkRate(session: SMTPServerSession) {
    if (Date.now() - this.#windowStartedAt >= 60_000) {
      this.#recentConnections.clear()
      this.#windowStartedAt = Date.now()
    }
    const key = networkKey(session.remoteAddress)
    const count = (this.#recentConnections.get(key) ?? 0) + 1
    this.#recentConnections.set(key, count)
    if (count <= CONNECTIONS_PER_MINUTE) return undefined
    if (count === CONNECTIONS_PER_MINUTE + 1) {
      this.logger.warn({ remote: session.remoteAddress }, 'Bounce listener rate-limits a client')
    }
    return smtpError(421, 'Too many connections, try again later')
  }

  #countsOf(session: SMTPServerSession) {
    let counts = this.#sessions.get(session)
    if (!counts) {
      counts = { refused: 0, messages: 0 }
      this.#sessions.set(session, counts)
    }
    return counts
  }

  /** At MAIL FROM: past MOST_MESSAGES on this connection, 421 (smtp-server closes on 421). */
  #checkMessages(session: SMTPServerSession) {
    if (this.#countsOf(session).messages < MOST_MESSAGES) return undefined
    this.logger.warn(
      { remote: session.remoteAddress },
      'Bounce listener closed a connection: too many messages'
    )
    return smtpError(421, 'Too many messages on this connection, reconnect later')
  }

  #checkRecipient(address: SMTPServerAddress, session: SMTPServerSession) {
    const refusal = this.#recipientRefusal(address, session)
    if (!refusal) return undefined
    const counts = this.#countsOf(session)
    counts.refused++
    const about = { recipient: address.address, remote: session.remoteAddress }
    if (counts.refused > MOST_REFUSED_RECIPIENTS) {
      this.logger.warn(about, 'Bounce listener closed a connection: too many refused recipients')
      return smtpError(421, 'Too many refused recipients, closing connection')
    }
    // One line a connection at info, the rest at debug: a client trying
    // addresses cannot fill the logs.
    if (counts.refused === 1) this.logger.info(about, 'Bounce listener refused RCPT')
    else this.logger.debug(about, 'Bounce listener refused RCPT')
    return refusal
  }

  #recipientRefusal(address: SMTPServerAddress, session: SMTPServerSession) {
    if (!bouncesConfig.domain) return smtpError(550, 'No bounce domain is configured')
    if (session.envelope.rcptTo.length >= MOST_RECIPIENTS) {
      return smtpError(452, 'Too many recipients')
    }
    const recipient = address.address.toLowerCase()
    if (recipient === `bounces@${bouncesConfig.domain}`) return undefined
    const token = tokenOfBounceAddress(recipient, bouncesConfig.domain)
    if (token && deliveryIdFromBounceToken(token) !== null) return undefined
    return smtpError(550, 'No such recipient here')
  }

  async #receive(stream: Readable & { sizeExceeded?: boolean }, session: SMTPServerSession) {
    const chunks: Buffer[] = []
    let bytes = 0
    for await (const chunk of stream) {
      // Past the bound the rest is drained unread (rejectOversized answers 552).
      if (bytes > bouncesConfig.maxMessageBytes) continue
      chunks.push(chunk)
      bytes += chunk.length
    }
    if (stream.sizeExceeded) return

    const envelopeTo = session.envelope.rcptTo.map((rcpt) => rcpt.address)
    const parsed = parseBounceMessage(Buffer.concat(chunks), { envelopeTo })
    const deliveryId = parsed.token ? deliveryIdFromBounceToken(parsed.token) : null
    const about = { remote: session.remoteAddress, kind: parsed.kind, status: parsed.status }
    if (deliveryId === null) {
      this.logger.info(about, 'Bounce listener dropped a message without a valid token')
      return
    }
    if (parsed.kind === null || parsed.kind === 'delayed') {
      this.logger.info({ ...about, deliveryId }, 'Bounce listener dropped a message (no failure)')
      return
    }

    let outcome
    try {
      outcome = await RecordBounce.handle({
        deliveryId,
        kind: parsed.kind,
        status: parsed.status,
        diagnostic: parsed.diagnostic,
        source: parsed.kind === 'complaint' ? 'arf' : 'dsn',
      })
    } catch (error) {
      this.logger.error({ err: error, deliveryId }, 'A bounce could not be recorded')
      throw smtpError(451, 'Temporary failure, try again later')
    }
    this.logger.info({ ...about, deliveryId, outcome }, 'Bounce received')
    if (outcome === 'not_sent_yet') throw smtpError(451, 'Not ready for this report, try later')
  }
}
