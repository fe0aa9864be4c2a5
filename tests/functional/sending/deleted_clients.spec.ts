import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import Delivery from '#models/delivery'
import MailingRun from '#models/mailing_run'
import type Client from '#models/client'
import DeleteClients from '#actions/clients/delete_clients'
import StartRun from '#sending/start_run'
import SendBatch from '#sending/send_batch'
import { batchRanges } from '#sending/batch_ranges'
import { smtp } from '#tests/helpers/peers'
import { startedRun } from '#tests/helpers/sending'
import { createUser } from '#tests/helpers/users'
import { createClients, createMessage, createOpenMailing } from '#tests/helpers/workspace'
import { waitUntil } from '#tests/helpers/wait'
import { ownerActorOf } from '#tests/helpers/actors'

/**
 * A client the business deleted is never mailed again, not even by a run
 * that was already sending, or that was starting at that very moment; the
 * delivery log keeps who it was for, without pointing at the gone client.
 */

/**
 * Sends every batch of the run in this process, as a worker would.
 */
async function sendRun(runId: number) {
  for (const [fromId, toId] of await batchRanges(runId)) {
    await SendBatch.handle({ runId, fromId, toId }, { requeue: false })
  }
}

async function assertDeletedClientSkipped(assert: any, runId: number, deleted: Client) {
  const run = await MailingRun.findOrFail(runId)
  assert.equal(run.status, 'completed')
  assert.equal(run.total, 3)
  assert.equal(run.sent, 2)
  assert.equal(run.skipped, 1)
  assert.equal(run.sent + run.failed + run.skipped, run.total)

  assert.lengthOf(smtp.messagesTo(deleted.email), 0)
  const delivery = await Delivery.query()
    .where({ run_id: runId, email: deleted.email })
    .firstOrFail()
  assert.equal(delivery.status, 'skipped')
  assert.equal(delivery.reason, 'Client deleted')
  assert.isNull(delivery.clientId)
  assert.equal(delivery.attempts, 0)
}

test.group('Clients deleted while their mailing sends', () => {
  test('a client deleted after the run started is not mailed', async ({ assert }) => {
    const { tenant, clients, run } = await startedRun(3)
    const [kept, deleted, alsoKept] = clients

    await DeleteClients.handle(await ownerActorOf(tenant), tenant, [deleted.id])
    await sendRun(run.id)

    await assertDeletedClientSkipped(assert, run.id, deleted)
    for (const client of [kept, alsoKept]) assert.lengthOf(smtp.messagesTo(client.email), 1)
  })

  test('a client deleted while the run starts is not mailed', async ({ assert }) => {
    const { user, tenant } = await createUser()
    const [kept, deleted, alsoKept] = await createClients(tenant, 3)
    const mailing = await createOpenMailing(user, await createMessage(tenant))

    // StartRun has copied the recipients and waits to update the mailing,
    // the last step of its transaction, when the client is deleted: on
    // PostgreSQL no foreign key makes either wait for the other.
    const lock = await db.transaction()
    let starting: ReturnType<typeof StartRun.handle> | undefined
    try {
      await lock.rawQuery('SELECT id FROM mailings WHERE id = ? FOR NO KEY UPDATE', [mailing.id])
      starting = StartRun.handle(mailing, DateTime.now(), { dispatch: false })
      await waitUntil('the run start to wait on the mailing', async () => {
        const waiting = await db.rawQuery(
          `SELECT 1 FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'
             AND query ILIKE 'update "mailings"%'`
        )
        return waiting.rows.length > 0
      })
      await DeleteClients.handle(await ownerActorOf(tenant), tenant, [deleted.id])
    } finally {
      await lock.rollback()
    }
    const run = (await starting)!
    // The race happened: the run holds a delivery for the deleted client.
    const copied = await Delivery.query().where({ run_id: run.id, email: deleted.email }).first()
    assert.equal(copied?.clientId, deleted.id)

    await sendRun(run.id)

    await assertDeletedClientSkipped(assert, run.id, deleted)
    for (const client of [kept, alsoKept]) assert.lengthOf(smtp.messagesTo(client.email), 1)
  }).skip(
    env.get('DB_CONNECTION') !== 'postgres',
    'SQLite runs one write transaction at a time: a run start and a deletion cannot overlap'
  )
})
