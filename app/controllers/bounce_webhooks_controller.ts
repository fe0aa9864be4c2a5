import type { HttpContext } from '@adonisjs/core/http'
import bouncesConfig from '#config/bounces'
import RecordProviderReports from '#actions/bounces/record_provider_reports'
import ConfirmSnsSubscription from '#actions/bounces/confirm_sns_subscription'
import {
  mailgunReports,
  postmarkReports,
  sendgridReports,
  sesReports,
  type ProviderReport,
} from '#bounces/providers/reports'
import { mailgunSigned, postmarkAuthorized, sendgridSigned } from '#bounces/providers/signatures'
import { snsMessageOf, snsSigned } from '#bounces/providers/sns'
import { onceForToken } from '#bounces/providers/mailgun_replay'

const config = bouncesConfig.webhooks

/**
 * `/webhooks/bounces/<provider>`: bounces and complaints the sending
 * providers report by HTTP. No session, no CSRF (config/shield.ts), bounded
 * and rate-limited before the body is read (BounceWebhookGuardMiddleware).
 * Each action checks the provider's signature, reads the payload and hands
 * the reports to RecordProviderReports. Answers: 404 for a provider not
 * configured, 401 for a missing or wrong signature, 400 for a payload that
 * is not the provider's, 503 when a report came before our send was
 * settled (the provider retries), 200 otherwise (unknown deliveries
 * included: a retry would not find them either).
 */
export default class BounceWebhooksController {
  async ses({ request, response }: HttpContext) {
    if (config.ses.topicArns.length === 0) return notConfigured(response)
    let body: unknown
    try {
      body = JSON.parse(await rawBody(request))
    } catch {
      return response.status(400).send({ error: 'The body is not JSON' })
    }
    const message = snsMessageOf(body)
    if (!message) return response.status(400).send({ error: 'Not an SNS message' })
    if (!config.ses.topicArns.includes(message.TopicArn)) {
      return response.status(403).send({ error: 'Unknown TopicArn' })
    }
    if (!(await snsSigned(message, config.ses.originPattern))) return unsigned(response)

    if (message.Type === 'SubscriptionConfirmation') {
      const confirmation = await ConfirmSnsSubscription.handle(message)
      if (confirmation === 'not_sns_url') {
        return response.status(400).send({ error: 'SubscribeURL is not an SNS URL' })
      }
      if (confirmation === 'failed') {
        return response.status(502).send({ error: 'The subscription could not be confirmed' })
      }
      return response.ok({ confirmed: true })
    }
    if (message.Type !== 'Notification') return response.ok({})

    let notification: unknown
    try {
      notification = JSON.parse(message.Message)
    } catch {
      return response.ok({}) // A message of the topic that is not SES's: nothing to read.
    }
    return record(response, sesReports(notification), 'ses')
  }

  async postmark({ request, response }: HttpContext) {
    const { username, password } = config.postmark
    if (!password) return notConfigured(response)
    if (!postmarkAuthorized(request.header('authorization'), { username, password })) {
      response.header('WWW-Authenticate', 'Basic realm="bounces"')
      return unsigned(response)
    }
    return record(response, postmarkReports(request.body()), 'postmark')
  }

  async sendgrid({ request, response }: HttpContext) {
    const { publicKey } = config.sendgrid
    if (!publicKey) return notConfigured(response)
    const signed = sendgridSigned(
      {
        signature: request.header('x-twilio-email-event-webhook-signature'),
        timestamp: request.header('x-twilio-email-event-webhook-timestamp'),
        rawBody: request.raw() ?? '',
      },
      publicKey,
      config.toleranceSeconds
    )
    if (!signed) return unsigned(response)
    return record(response, sendgridReports(JSON.parse(request.raw() ?? 'null')), 'sendgrid')
  }

  async mailgun({ request, response }: HttpContext) {
    const { signingKey, toleranceSeconds } = config.mailgun
    if (!signingKey) return notConfigured(response)
    const signature = request.body().signature
    if (!mailgunSigned(signature, signingKey, toleranceSeconds)) return unsigned(response)
    // Each token once, spent only by a 200: a retry of a 503 is taken.
    const guarded = await onceForToken(
      signature.token,
      toleranceSeconds * 2,
      () => RecordProviderReports.handle(mailgunReports(request.body()), 'mailgun'),
      (outcomes) => outcomes.not_sent_yet === 0
    )
    if (guarded.replayed) {
      return response.status(409).send({ error: 'This request was already received' })
    }
    return answer(response, guarded.result)
  }
}

async function record(
  response: HttpContext['response'],
  reports: ProviderReport[],
  source: string
) {
  return answer(response, await RecordProviderReports.handle(reports, source))
}

/** 503 with Retry-After when a report came before our send was settled, else 200. */
function answer(
  response: HttpContext['response'],
  outcomes: Awaited<ReturnType<typeof RecordProviderReports.handle>>
) {
  if (outcomes.not_sent_yet > 0) {
    response.header('Retry-After', 60)
    return response.status(503).send({ error: 'Not ready for this report, retry later' })
  }
  return response.ok(outcomes)
}

function notConfigured(response: HttpContext['response']) {
  return response.status(404).send({ error: 'This provider is not configured' })
}

function unsigned(response: HttpContext['response']) {
  return response.status(401).send({ error: 'Missing or invalid signature' })
}

/**
 * SNS posts JSON as text/plain, which the body parser leaves unread: read
 * here, bounded (the guard refused larger declared lengths; this bounds a
 * chunked body).
 */
async function rawBody(request: HttpContext['request']) {
  const already = request.raw()
  if (already) return already
  const chunks: Buffer[] = []
  let bytes = 0
  for await (const chunk of request.request) {
    bytes += chunk.length
    if (bytes > config.maxBodyBytes) throw new Error('Body too large')
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}
