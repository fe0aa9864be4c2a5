import { createBenchOwner } from './owners.js'

/**
 * A workspace as large as a benchmark needs: a verified owner, `clients`
 * clients written by the database itself (one INSERT … SELECT over a
 * generated series: a million rows in seconds, nothing built in Node), an
 * API token and a message of ordinary size. Import after the app has
 * booted; works on PostgreSQL and SQLite.
 */
export async function seedBigWorkspace(
  clients: number,
  emailPrefix: string,
  ownerName = 'Scale Owner'
) {
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const { default: User } = await import('#models/user')
  const { default: Message } = await import('#models/message')
  const { TOKEN_ABILITIES } = await import('#api/abilities')
  const { sqlTime } = await import('#services/database/sql_time')

  const { user, tenant } = await createBenchOwner(ownerName, emailPrefix)
  const now = sqlTime()
  // PostgreSQL has generate_series; SQLite (without its extension) counts
  // with a recursive query. Addresses spread over 97 domains, as in bench:send.
  const series =
    db.connection().dialect.name === 'postgres'
      ? 'SELECT i FROM generate_series(1, ?) AS s(i)'
      : 'WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?) SELECT i FROM s'
  await db.rawQuery(
    `INSERT INTO clients (tenant_id, email, full_name, created_at, updated_at)
     SELECT ?, 'client.' || i || '@example-' || (i % 97) || '.com', 'Client ' || i, ?, ?
     FROM (${series}) AS numbers`,
    [tenant.id, now, now, clients]
  )
  // As a long-lived table is: statistics and visibility map up to date.
  if (db.connection().dialect.name === 'postgres') await db.rawQuery('VACUUM ANALYZE clients')

  const paragraph =
    'Our spring collection is here, with new colours and the classics you asked for. ' +
    'Orders placed this week ship for free, and members get early access to the sale.'
  const message = await Message.create({
    tenantId: tenant.id,
    subject: 'News for {{ client.full_name }}',
    bodyText: `Hello {{ client.full_name }},\n\n${paragraph}\n\n${paragraph}\n\nUnsubscribe: {{ unsubscribe_url }}\n`,
    bodyHtml: `<p>Hello {{ client.full_name }},</p><p>${paragraph}</p><p>${paragraph}</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>`,
  })
  const token = await User.accessTokens.create(user, [...TOKEN_ABILITIES])
  return { user, tenant, message, token: token.value!.release() }
}

export type BigWorkspace = Awaited<ReturnType<typeof seedBigWorkspace>>

/**
 * A mailing to every client of the workspace whose window contains now,
 * not started yet (StartRun.handle starts it, as "send now" does).
 */
export async function createMailingToAll(workspace: BigWorkspace, name: string) {
  const { DateTime } = await import('luxon')
  const { default: Mailing } = await import('#models/mailing')
  const startAt = DateTime.utc().startOf('second')
  return Mailing.create({
    tenantId: workspace.tenant.id,
    messageId: workspace.message.id,
    name,
    audience: 'all',
    periodicity: 'once',
    startAt,
    endAt: startAt.plus({ days: 1 }),
    status: 'created',
    createdById: workspace.user.id,
    nextRunAt: null,
  })
}
