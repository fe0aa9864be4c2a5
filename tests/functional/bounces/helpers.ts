import app from '@adonisjs/core/services/app'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Delivery from '#models/delivery'
import MailingRun from '#models/mailing_run'
import Suppression from '#models/suppression'
import { sqlTime } from '#services/database/sql_time'
import { ServiceProcess } from '#tests/helpers/processes'
import { smtp } from '#tests/helpers/peers'
import { createUser } from '#tests/helpers/users'
import { createClients, createMessage, createOpenMailing } from '#tests/helpers/workspace'
import { waitUntil } from '#tests/helpers/wait'
import type { OriginalMessage } from '#tests/helpers/bounce_messages'

/**
 * `node ace bounces:listen` as a child process, as operators run it.
 */
export class BounceListenerProcess extends ServiceProcess {
  constructor() {
    super(process.execPath, ['ace', 'bounces:listen'], {
      name: 'bounces:listen',
      cwd: app.makePath(),
      readyText: 'Bounce listener started',
    })
  }

  start(env: Record<string, string | undefined> = {}, timeoutMs = 30_000) {
    return super.start({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', ...env }, timeoutMs)
  }
}

/**
 * A mailing to `count` new clients, sent by the shared worker through the
 * test SMTP server; resolves once every delivery is `sent`, with what the
 * server received for each (its envelope sender is the VERP address).
 */
export async function sentMailing(count: number) {
  const { user, tenant } = await createUser()
  const clients = await createClients(tenant, count)
  const message = await createMessage(tenant)
  const mailing = await createOpenMailing(user, message, {
    name: 'Bounce test',
    nextRunAt: DateTime.now(),
  })
  const run = await waitUntil('the run to complete', () =>
    MailingRun.query().where({ mailing_id: mailing.id, status: 'completed' }).first()
  )
  const deliveries = await Delivery.query().where('run_id', run.id).orderBy('id')
  const originals = await Promise.all(
    deliveries.map(async (delivery): Promise<OriginalMessage> => {
      const mail = await smtp.waitForMailTo(delivery.email)
      return {
        returnPath: mail.from,
        recipient: delivery.email,
        messageId: mail.parsed.messageId!,
      }
    })
  )
  return { user, tenant, clients, mailing, run, deliveries, originals }
}

/**
 * The address's suppression entry (reason, source, detail), or null.
 */
export async function suppressionOf(tenantId: number, email: string) {
  const entry = await Suppression.query()
    .where({ tenant_id: tenantId, email: email.toLowerCase() })
    .first()
  return entry ? { reason: entry.reason, source: entry.source, detail: entry.detail } : null
}

export async function runCounters(runId: number) {
  const run = await db.from('mailing_runs').where('id', runId).firstOrFail()
  return {
    sent: Number(run.sent),
    bounced: Number(run.bounced),
    complained: Number(run.complained),
  }
}

/**
 * Deliveries of a run written directly, one per address, in this status
 * (as a worker would have settled them); their ids, oldest first.
 */
export async function insertDeliveries(
  run: { id: number; tenantId: number },
  emails: string[],
  status = 'sent'
) {
  const ids: number[] = []
  for (const email of emails) {
    const [row] = await db
      .table('deliveries')
      .insert({
        run_id: run.id,
        tenant_id: run.tenantId,
        email,
        full_name: '',
        status,
        attempts: 1,
        created_at: sqlTime(),
        updated_at: sqlTime(),
      })
      .returning('id')
    ids.push(Number(typeof row === 'object' ? row.id : row))
  }
  return ids
}
