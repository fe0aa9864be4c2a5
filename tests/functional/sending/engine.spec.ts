import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import ace from '@adonisjs/core/services/ace'
import MailingRun from '#models/mailing_run'
import Delivery from '#models/delivery'
import DeliveryAttempt from '#models/delivery_attempt'
import StartRun from '#sending/start_run'
import StartDueRuns from '#sending/start_due_runs'
import MailingsSend from '#commands/mailings_send'
import { smtp } from '#tests/helpers/peers'
import { createUser } from '#tests/helpers/users'
import { createClients, createMessage, createOpenMailing } from '#tests/helpers/workspace'
import { waitUntil } from '#tests/helpers/wait'

/**
 * A mailing of `count` clients whose window contains now: the running
 * worker's scheduler starts it by itself.
 */
async function dueMailing(
  count: number,
  overrides: { unsubscribed?: number; nextRunAt?: DateTime | null } = {}
) {
  const { user, tenant } = await createUser()
  const clients = await createClients(tenant, count)
  for (const client of clients.slice(0, overrides.unsubscribed ?? 0)) {
    client.unsubscribedAt = DateTime.now()
    await client.save()
  }
  const message = await createMessage(tenant, {
    subject: 'News for {{ client.full_name }}',
    bodyText: 'Hello {{ client.full_name }}. Leave: {{ unsubscribe_url }}',
  })
  const mailing = await createOpenMailing(user, message, {
    name: 'Engine test',
    nextRunAt: overrides.nextRunAt === undefined ? DateTime.now() : overrides.nextRunAt,
  })
  return { user, tenant, clients, mailing }
}

async function finishedRun(mailingId: number) {
  return waitUntil(`the run of mailing ${mailingId} to complete`, () =>
    MailingRun.query().where({ mailing_id: mailingId, status: 'completed' }).first()
  )
}

test.group('Sending engine', () => {
  test('a due mailing starts by itself and every recipient ends with one status', async ({
    assert,
  }) => {
    const { clients, mailing } = await dueMailing(5, { unsubscribed: 1 })

    const run = await finishedRun(mailing.id)
    assert.equal(run.total, 5)
    assert.equal(run.sent, 4)
    assert.equal(run.skipped, 1)
    assert.equal(run.failed, 0)

    const deliveries = await Delivery.query().where('run_id', run.id).orderBy('id')
    assert.deepEqual(
      deliveries.map((d) => d.status),
      ['skipped', 'sent', 'sent', 'sent', 'sent']
    )
    assert.equal(deliveries[0].reason, 'Unsubscribed')

    for (const client of clients.slice(1)) {
      const received = smtp.messagesTo(client.email)
      assert.lengthOf(received, 1, `${client.email} got ${received.length} messages`)
      const mail = received[0]
      assert.equal(mail.parsed.subject, `News for ${client.fullName}`)
      // The raw message, as the server received it (RFC 8058 one-click).
      // (the header may be folded onto a second line)
      const unsubscribe = /^List-Unsubscribe:\s+<(http:\/\/localhost:\d+\/u\/[\w-]+)>\r?$/m.exec(
        mail.raw
      )
      assert.isNotNull(unsubscribe, mail.raw.slice(0, 1500))
      assert.match(mail.raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m)
      assert.include(mail.parsed.text ?? '', unsubscribe![1])
    }
    assert.lengthOf(smtp.messagesTo(clients[0].email), 0)

    const attempts = await DeliveryAttempt.query().where('run_id', run.id)
    assert.lengthOf(attempts, 4)
    assert.isTrue(attempts.every((a) => a.outcome === 'sent' && a.smtpCode === 250))

    await mailing.refresh()
    assert.equal(mailing.status, 'completed')
  })

  test('550 fails at once, without a retry', async ({ assert }) => {
    const { clients, mailing } = await dueMailing(2, { nextRunAt: null })
    smtp.scriptFor(clients[0].email, { kind: 'reject', code: 550, message: 'No such user here' })
    mailing.nextRunAt = DateTime.now()
    await mailing.save()

    const run = await finishedRun(mailing.id)
    assert.equal(run.sent, 1)
    assert.equal(run.failed, 1)
    const failed = await Delivery.query()
      .where({ run_id: run.id, client_id: clients[0].id })
      .preload('attemptLog')
      .firstOrFail()
    assert.equal(failed.status, 'failed')
    assert.lengthOf(failed.attemptLog, 1)
    assert.equal(failed.attemptLog[0].outcome, 'permanent')
    assert.equal(failed.attemptLog[0].smtpCode, 550)
    assert.include(failed.attemptLog[0].response ?? '', 'No such user here')
    assert.lengthOf(smtp.messagesTo(clients[0].email), 0)
  })

  test('421 and 451 are retried with backoff, then sent once', async ({ assert }) => {
    const { clients, mailing } = await dueMailing(1, { nextRunAt: null })
    smtp.scriptFor(
      clients[0].email,
      { kind: 'reject', code: 421, message: 'Try again later' },
      { kind: 'reject', code: 451, message: 'Greylisted' }
    )
    mailing.nextRunAt = DateTime.now()
    await mailing.save()

    const run = await finishedRun(mailing.id)
    const delivery = await Delivery.query()
      .where('run_id', run.id)
      .preload('attemptLog', (q) => q.orderBy('id'))
      .firstOrFail()
    assert.equal(delivery.status, 'sent')
    assert.equal(delivery.attempts, 3)
    assert.deepEqual(
      delivery.attemptLog.map((a) => [a.outcome, a.smtpCode]),
      [
        ['transient', 421],
        ['transient', 451],
        ['sent', 250],
      ]
    )
    assert.lengthOf(smtp.messagesTo(clients[0].email), 1)
  })

  test('a recipient refused at RCPT TO fails (5xx) or is retried (4xx); the mailing goes on', async ({
    assert,
  }) => {
    const { clients, mailing } = await dueMailing(3, { nextRunAt: null })
    smtp.refuseRecipient(clients[0].email, { code: 550, message: 'No such user here' })
    smtp.refuseRecipient(clients[1].email, { code: 451, message: 'Greylisted, come back later' })
    mailing.nextRunAt = DateTime.now()
    await mailing.save()

    const run = await finishedRun(mailing.id)
    assert.equal(run.sent, 2)
    assert.equal(run.failed, 1)
    const logOf = async (clientId: number) => {
      const delivery = await Delivery.query()
        .where({ run_id: run.id, client_id: clientId })
        .preload('attemptLog', (q) => q.orderBy('id'))
        .firstOrFail()
      return [delivery.status, delivery.attemptLog.map((a) => [a.outcome, a.smtpCode])]
    }
    assert.deepEqual(await logOf(clients[0].id), ['failed', [['permanent', 550]]])
    assert.deepEqual(await logOf(clients[1].id), [
      'sent',
      [
        ['transient', 451],
        ['sent', 250],
      ],
    ])
    assert.deepEqual(await logOf(clients[2].id), ['sent', [['sent', 250]]])
    assert.lengthOf(smtp.messagesTo(clients[0].email), 0)

    await mailing.refresh()
    assert.equal(mailing.status, 'completed')
  })

  test('a server that keeps answering 4xx fails the delivery after the configured attempts', async ({
    assert,
  }) => {
    const { clients, mailing } = await dueMailing(1, { nextRunAt: null })
    const busy = { kind: 'reject' as const, code: 452, message: 'Mailbox busy' }
    smtp.scriptFor(clients[0].email, busy, busy, busy, busy, busy)
    mailing.nextRunAt = DateTime.now()
    await mailing.save()

    const run = await finishedRun(mailing.id)
    const delivery = await Delivery.query()
      .where('run_id', run.id)
      .preload('attemptLog')
      .firstOrFail()
    assert.equal(delivery.status, 'failed')
    assert.lengthOf(delivery.attemptLog, 3)
    assert.include(delivery.reason ?? '', 'Gave up after 3 attempts')
    assert.lengthOf(smtp.messagesTo(clients[0].email), 0)
  })

  test('a dropped connection and a server slower than the timeout are retried', async ({
    assert,
  }) => {
    const { clients, mailing } = await dueMailing(2, { nextRunAt: null })
    smtp.scriptFor(clients[0].email, { kind: 'drop' })
    smtp.scriptFor(clients[1].email, { kind: 'delay', ms: 3000 })
    mailing.nextRunAt = DateTime.now()
    await mailing.save()

    const run = await finishedRun(mailing.id)
    assert.equal(run.sent, 2)
    for (const client of clients) {
      const delivery = await Delivery.query()
        .where({ run_id: run.id, client_id: client.id })
        .preload('attemptLog', (q) => q.orderBy('id'))
        .firstOrFail()
      assert.deepEqual(
        delivery.attemptLog.map((a) => a.outcome),
        ['transient', 'sent']
      )
      assert.lengthOf(smtp.messagesTo(client.email), 1)
    }
  })

  test('exactly one run per occurrence, however many start it at once', async ({ assert }) => {
    const { mailing } = await dueMailing(3, { nextRunAt: null })
    const occurrence = DateTime.now().startOf('second')
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => StartRun.handle(mailing, occurrence, { dispatch: false }))
    )
    assert.lengthOf(runs.filter(Boolean), 1)
    assert.lengthOf(await MailingRun.query().where('mailing_id', mailing.id), 1)
    assert.lengthOf(await Delivery.query().where('run_id', runs.find(Boolean)!.id), 3)
  })

  test('an occurrence missed by more than the grace period is recorded as missed', async ({
    assert,
  }) => {
    const { mailing } = await dueMailing(2, { nextRunAt: null })
    mailing.nextRunAt = DateTime.now().minus({ hours: 2 })
    await mailing.save()

    await StartDueRuns.handle(DateTime.now(), { dispatch: false })
    const run = await MailingRun.query().where('mailing_id', mailing.id).firstOrFail()
    assert.equal(run.status, 'missed')
    assert.include(run.statusReason ?? '', 'Missed')
    await mailing.refresh()
    assert.equal(mailing.status, 'completed')
  })

  test('a running mailing whose last occurrence is missed completes', async ({ assert }) => {
    const { mailing } = await dueMailing(1, { nextRunAt: null })
    // A daily mailing that has sent before; its window closes before tomorrow's occurrence.
    mailing.merge({
      periodicity: 'daily',
      status: 'running',
      startAt: DateTime.now().minus({ days: 3, hours: 2 }),
      endAt: DateTime.now().plus({ hours: 1 }),
      nextRunAt: DateTime.now().minus({ hours: 2 }),
    })
    await mailing.save()

    await StartDueRuns.handle(DateTime.now(), { dispatch: false })
    // The shared worker's scheduler may be the one that records it.
    await waitUntil(
      'the mailing to complete',
      async () => {
        await mailing.refresh()
        return mailing.status === 'completed'
      },
      10_000
    )
    assert.isNull(mailing.nextRunAt)
    const run = await MailingRun.query().where('mailing_id', mailing.id).firstOrFail()
    assert.equal(run.status, 'missed')
  })

  test('mailings of unverified owners do not start', async ({ assert }) => {
    const { user, mailing } = await dueMailing(1, { nextRunAt: null })
    user.emailVerifiedAt = null
    await user.save()
    mailing.nextRunAt = DateTime.now()
    await mailing.save()

    const started = await StartDueRuns.handle(DateTime.now(), { dispatch: false })
    assert.notInclude(
      started.map((run) => run.mailingId),
      mailing.id
    )
  })
})

test.group('mailings:send', (group) => {
  group.each.setup(() => {
    ace.ui.switchMode('raw')
    return () => ace.ui.switchMode('normal')
  })

  test('--mailing=ID --sync sends one mailing in this process and prints a summary', async ({
    assert,
  }) => {
    const { clients, mailing } = await dueMailing(3, { nextRunAt: null })
    const command = await ace.create(MailingsSend, [`--mailing=${mailing.id}`, '--sync'])
    await command.exec()

    command.assertSucceeded()
    const logs = ace.ui.logger
      .getLogs()
      .map((log) => log.message)
      .join('\n')
    assert.include(logs, 'Sent 3, failed 0, skipped 0')
    for (const client of clients) assert.lengthOf(smtp.messagesTo(client.email), 1)
  })

  test('--dry-run prints the recipients and sends nothing', async ({ assert }) => {
    const { clients, mailing } = await dueMailing(2, { nextRunAt: null })
    const command = await ace.create(MailingsSend, [`--mailing=${mailing.id}`, '--dry-run'])
    await command.exec()

    command.assertSucceeded()
    const logs = ace.ui.logger
      .getLogs()
      .map((log) => log.message)
      .join('\n')
    assert.include(logs, `to 2 client(s)`)
    assert.include(logs, clients[0].email)
    assert.lengthOf(await MailingRun.query().where('mailing_id', mailing.id), 0)
  })

  test('bad arguments end with a sentence and a non-zero exit', async ({ assert }) => {
    const command = await ace.create(MailingsSend, ['--mailing=999999'])
    await command.exec()
    command.assertFailed()
    const logs = ace.ui.logger
      .getLogs()
      .map((log) => log.message)
      .join('\n')
    assert.include(logs, 'There is no mailing #999999.')
  })
})
