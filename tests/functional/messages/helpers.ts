import { DateTime } from 'luxon'
import type Tenant from '#models/tenant'
import type Message from '#models/message'
import Mailing from '#models/mailing'

let sequence = 0

/**
 * A message of a workspace, saved directly (the form is tested elsewhere).
 */
export async function createMessage(
  tenant: Tenant,
  overrides: { subject?: string; bodyText?: string; bodyHtml?: string | null } = {}
) {
  sequence += 1
  return tenant.related('messages').create({
    subject: `Spring news ${sequence}`,
    bodyText: 'Hello {{ client.full_name }}',
    bodyHtml: null,
    ...overrides,
  })
}

export async function createClient(tenant: Tenant, overrides: { fullName?: string } = {}) {
  sequence += 1
  return tenant.related('clients').create({
    email: `client-${Date.now().toString(36)}-${sequence}@example.com`,
    fullName: overrides.fullName ?? `Client ${sequence}`,
  })
}

/**
 * A mailing row that sends the message, made with the model directly.
 */
export async function createMailingUsing(
  message: Message,
  overrides: { name?: string; archived?: boolean } = {}
) {
  return Mailing.create({
    tenantId: message.tenantId,
    messageId: message.id,
    name: overrides.name ?? `Mailing ${++sequence}`,
    audience: 'all',
    periodicity: 'once',
    startAt: DateTime.now().plus({ days: 1 }),
    endAt: DateTime.now().plus({ days: 2 }),
    status: 'created',
    archivedAt: overrides.archived ? DateTime.now() : null,
  })
}
