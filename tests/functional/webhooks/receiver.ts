import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'

export interface ReceivedWebhook {
  headers: Record<string, string>
  body: string
  path: string
}

export interface ScriptedAnswer {
  status: number
  headers?: Record<string, string>
  body?: string
}

/**
 * A real HTTP receiver, as a customer would run one: it records every
 * request and answers what the test scripted (then 200). By default it
 * listens on 127.0.0.2, the one private address .env.test allows
 * (WEBHOOK_ALLOWED_HOSTS).
 */
export class WebhookReceiver {
  received: ReceivedWebhook[] = []
  #answers: ScriptedAnswer[] = []
  #server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk) => chunks.push(chunk))
    request.on('end', () => {
      this.received.push({
        headers: request.headers as Record<string, string>,
        body: Buffer.concat(chunks).toString('utf8'),
        path: request.url ?? '/',
      })
      const answer = this.#answers.shift() ?? { status: 200, body: 'ok' }
      response.writeHead(answer.status, answer.headers).end(answer.body ?? '')
    })
  })

  constructor(private host = '127.0.0.2') {}

  async start() {
    await new Promise<void>((resolve) => this.#server.listen(0, this.host, resolve))
    return this
  }

  stop() {
    this.#server.closeAllConnections()
    return new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  get port() {
    return (this.#server.address() as AddressInfo).port
  }

  url(path = '/hooks') {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host
    return `http://${host}:${this.port}${path}`
  }

  /**
   * The next requests get these answers, in order.
   */
  answer(...answers: ScriptedAnswer[]) {
    this.#answers.push(...answers)
  }

  /**
   * Every received message, verified with the standardwebhooks package as a
   * receiver would (it throws on a bad signature), parsed.
   */
  verified(secret: string) {
    const webhook = new Webhook(secret)
    return this.received.map(
      (request) =>
        webhook.verify(request.body, request.headers) as {
          type: string
          timestamp: string
          data: Record<string, any>
        }
    )
  }
}

/**
 * A receiver for one test, stopped when the test ends (pass the test's
 * `cleanup`).
 */
export async function startReceiver(
  cleanup: (handler: () => Promise<void>) => void,
  host?: string
) {
  const receiver = await new WebhookReceiver(host).start()
  cleanup(() => receiver.stop())
  return receiver
}
