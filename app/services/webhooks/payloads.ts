import db from '@adonisjs/lucid/services/db'
import type { EventsList } from '@adonisjs/core/types'
import Suppression from '#models/suppression'
import type Client from '#models/client'
import { isoTime } from '#api/serializers/time'
import { tagsOfClients } from '#audiences/client_tags'

/**
 * The `data` of each outcome webhook, one function per event type, built
 * from what the application announced (types/events.ts). Field names are
 * the API's (snake_case): receivers read them as documented there.
 */

type RunEvent = EventsList['mailing_run:started' | 'mailing_run:completed']
type FinishedDelivery = EventsList['deliveries:finished']['deliveries'][number]

/**
 * `mailing.run.started`. Reads the run: call it only when an endpoint
 * listens (RecordWebhookEvent does, given the function).
 */
export async function runStartedPayload({ runId, mailingId }: RunEvent) {
  const run = await runOf(runId)
  return { mailing_id: mailingId, run_id: runId, total: run.total }
}

/**
 * `mailing.run.completed`, with the run's final counters. Reads the run,
 * like runStartedPayload.
 */
export async function runCompletedPayload({ runId, mailingId }: RunEvent) {
  const { total, sent, failed, skipped } = await runOf(runId)
  return { mailing_id: mailingId, run_id: runId, total, sent, failed, skipped }
}

/**
 * `message.sent` and `message.failed`: one delivery of a run.
 */
export function messagePayload(
  { runId, mailingId }: Pick<EventsList['deliveries:finished'], 'runId' | 'mailingId'>,
  delivery: FinishedDelivery
) {
  return {
    delivery_id: delivery.deliveryId,
    run_id: runId,
    mailing_id: mailingId,
    client_id: delivery.clientId,
    email: delivery.email,
    attempts: delivery.attempts,
    smtp_code: delivery.smtpCode,
    response: delivery.response,
  }
}

/**
 * `client.unsubscribed`.
 */
export function clientUnsubscribedPayload({
  client,
  unsubscribedAt,
}: EventsList['client:unsubscribed']) {
  return {
    client_id: client.id,
    email: client.email,
    // The stored date (the client was refreshed), as the API shows it.
    unsubscribed_at: (client.unsubscribedAt ?? unsubscribedAt).toUTC().toISO(),
  }
}

/**
 * `client.updated`: a client changed their topics or came back on the
 * preference page. `tags` is every tag the client has now (names, by name),
 * `changes` only what changed: `tags.added`/`tags.removed` (names) and
 * `state.from`/`state.to` (subscribed, pending, unsubscribed). Reads the
 * client's tags: call it only when an endpoint listens.
 */
export async function clientUpdatedPayload({
  client,
  changes,
  source,
}: EventsList['client:updated']) {
  return {
    client_id: client.id,
    email: client.email,
    state: client.state,
    tags: await tagNamesOf(client),
    changes,
    source,
    updated_at: client.updatedAt ? isoTime(client.updatedAt) : null,
  }
}

/**
 * `client.subscribed`: a sign-up through a form was confirmed (source
 * `signup_form`), or the business subscribed an address still pending
 * (source `workspace`: no form, no consent). Carries what
 * the client now is (name, attributes, tag names), so a receiver need not
 * call the API back. Reads the client's tags: call it only when an endpoint
 * listens.
 */
export async function clientSubscribedPayload({
  client,
  subscribedAt,
  source,
  signupFormId,
  consentId,
}: EventsList['client:subscribed']) {
  return {
    client_id: client.id,
    email: client.email,
    full_name: client.fullName,
    attributes: client.attributes,
    tags: await tagNamesOf(client),
    source,
    signup_form_id: signupFormId,
    consent_id: consentId,
    subscribed_at: isoTime(subscribedAt),
  }
}

/**
 * `client.suppressed`: the address, why and where from, and the workspace's
 * client with that address if there is one (an address may be suppressed
 * with no client: added by hand, or its client deleted). Reads the
 * suppression and the client: call it only when an endpoint listens.
 */
export async function clientSuppressedPayload({
  tenantId,
  email,
  reason,
  source,
  detail,
  deliveryId,
}: EventsList['client:suppressed']) {
  const [client, entry] = await Promise.all([
    db.from('clients').where({ tenant_id: tenantId, email }).select('id').first(),
    Suppression.query().where({ tenantId, email }).first(),
  ])
  return {
    client_id: client ? Number(client.id) : null,
    email,
    reason,
    source,
    detail,
    delivery_id: deliveryId,
    suppressed_at: entry ? isoTime(entry.createdAt) : null,
  }
}

/**
 * `message.bounced` and `client.complained`: a sent delivery reported back.
 */
export function bouncePayload(event: EventsList['delivery:bounced']) {
  const common = {
    delivery_id: event.deliveryId,
    run_id: event.runId,
    mailing_id: event.mailingId,
    client_id: event.clientId,
    email: event.email,
    source: event.source,
    suppressed: event.suppressed,
  }
  if (event.kind === 'complaint') return { ...common, feedback_type: event.diagnostic }
  return {
    ...common,
    bounce_type: event.kind,
    status: event.status,
    diagnostic: event.diagnostic,
  }
}

function runOf(runId: number) {
  return db.from('mailing_runs').where('id', runId).firstOrFail()
}

/**
 * The names of a client's tags, by name, as the client payloads list them.
 */
async function tagNamesOf(client: Client) {
  const tagsByClient = await tagsOfClients([client.id])
  return (tagsByClient.get(client.id) ?? []).map((tag) => tag.name)
}
