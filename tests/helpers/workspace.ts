import { DateTime } from 'luxon'
import type Tenant from '#models/tenant'
import Mailing from '#models/mailing'
import type Message from '#models/message'
import type User from '#models/user'

let sequence = 0

/**
 * A message of the workspace, saved directly (the message form has its own
 * tests).
 */
export function createMessage(
  tenant: Tenant,
  overrides: { subject?: string; bodyText?: string } = {}
) {
  sequence += 1
  return tenant.related('messages').create({
    subject: overrides.subject ?? `Hello {{ client.full_name }} #${sequence}`,
    bodyText:
      overrides.bodyText ??
      'Hi {{ client.full_name }}, news from us. Unsubscribe: {{ unsubscribe_url }}',
  })
}

/**
 * `count` clients of the workspace with unique emails.
 */
export async function createClients(tenant: Tenant, count: number) {
  sequence += 1
  const rows = Array.from({ length: count }, (_, i) => ({
    email: `client-${sequence}-${i}@example.com`,
    fullName: `Client ${sequence}-${i}`,
  }))
  return tenant.related('clients').createMany(rows)
}

/**
 * A mailing saved directly, for tests about what happens to existing ones.
 */
export async function createMailing(
  tenant: Tenant,
  overrides: Partial<
    Pick<Mailing, 'status' | 'audience' | 'periodicity' | 'startAt' | 'endAt' | 'name'>
  > = {}
) {
  const message = await createMessage(tenant)
  return Mailing.create({
    tenantId: tenant.id,
    messageId: message.id,
    name: overrides.name ?? `Mailing ${++sequence}`,
    audience: overrides.audience ?? 'all',
    periodicity: overrides.periodicity ?? 'once',
    startAt: overrides.startAt ?? DateTime.now().plus({ days: 1 }),
    endAt: overrides.endAt ?? DateTime.now().plus({ days: 2 }),
    status: overrides.status ?? 'created',
  })
}

/**
 * A once-mailing to all of the owner's clients whose window is open now.
 * The scheduler starts it only when given `nextRunAt` (e.g. now); without
 * it, a test starts the run itself.
 */
export async function createOpenMailing(
  owner: User,
  message: Message,
  overrides: { name?: string; nextRunAt?: DateTime | null } = {}
) {
  return Mailing.create({
    tenantId: owner.lastTenantId!,
    messageId: message.id,
    name: overrides.name ?? `Mailing ${++sequence}`,
    audience: 'all',
    periodicity: 'once',
    startAt: DateTime.now().minus({ minutes: 1 }),
    endAt: DateTime.now().plus({ hours: 1 }),
    status: 'created',
    createdById: owner.id,
    nextRunAt: overrides.nextRunAt ?? null,
  })
}
