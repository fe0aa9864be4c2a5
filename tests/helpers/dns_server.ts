import { Resolver } from 'node:dns/promises'
import { createServer, Packet, type DnsServer } from 'dns2'
import { freePort } from '#tests/helpers/net'

/**
 * A real DNS server for tests, on localhost (UDP and TCP on one free port:
 * a 2048-bit DKIM record does not fit a plain UDP answer, so resolvers come
 * back over TCP). It answers the TXT records a test publishes, NXDOMAIN for
 * any other name. Point the app at it with `servers` (DNS_SERVERS).
 */
export class TestDnsServer {
  port = 0
  #server?: DnsServer
  #txt = new Map<string, string[]>()

  async start() {
    this.port = await freePort()
    this.#server = createServer({
      udp: true,
      tcp: true,
      handle: (request, send) => {
        const response = Packet.createResponseFromRequest(request)
        for (const question of request.questions) {
          const values = this.#txt.get(question.name.toLowerCase())
          if (!values) continue
          if (question.type !== Packet.TYPE.TXT) continue
          for (const value of values) {
            response.answers.push({
              name: question.name,
              type: Packet.TYPE.TXT,
              class: Packet.CLASS.IN,
              ttl: 1,
              data: characterStrings(value),
            } as any)
          }
        }
        const known = request.questions.some((question) =>
          this.#txt.has(question.name.toLowerCase())
        )
        // NXDOMAIN (RFC 1035 §4.1.1: 3), which dns2's types do not name.
        if (!known) response.header.rcode = 3
        send(response)
      },
    })
    this.#server.on('error', () => {})
    await this.#server.listen({
      udp: { port: this.port, address: '127.0.0.1' },
      tcp: { port: this.port, address: '127.0.0.1' },
    })
  }

  async stop() {
    await this.#server?.close()
  }

  /**
   * What DNS_SERVERS names to reach it.
   */
  get servers() {
    return `127.0.0.1:${this.port}`
  }

  /**
   * Publishes the TXT records at `name`, replacing what was there; none
   * removes the name.
   */
  txt(name: string, ...values: string[]) {
    if (values.length === 0) this.#txt.delete(name.toLowerCase())
    else this.#txt.set(name.toLowerCase(), values)
  }

  /**
   * A resolver in the shape mailauth's DKIM verifier takes, asking this
   * server over the network.
   */
  resolver() {
    const resolver = new Resolver({ timeout: 2000, tries: 1 })
    resolver.setServers([this.servers])
    return async (name: string, type: string) => {
      if (type !== 'TXT') throw Object.assign(new Error(`no ${type}`), { code: 'ENOTFOUND' })
      return resolver.resolveTxt(name)
    }
  }
}

/**
 * A TXT value as DNS carries it: strings of at most 255 bytes (RFC 1035
 * §3.3.14), which readers join again.
 */
function characterStrings(value: string) {
  const strings: string[] = []
  for (let at = 0; at < value.length; at += 255) strings.push(value.slice(at, at + 255))
  return strings
}
