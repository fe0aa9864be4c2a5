import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import { Queue } from 'bullmq'
import MailingRun from '#models/mailing_run'
import Delivery from '#models/delivery'
import { smtp } from '#tests/helpers/peers'
import { PrivateRedis } from '#tests/helpers/private_redis'
import { runCommand } from '#tests/helpers/processes'
import { createUser } from '#tests/helpers/users'
import { createClients, createMessage, createOpenMailing } from '#tests/helpers/workspace'

/*
 * The crontab mode: `--sync` sends in the command's own process, with no
 * worker. The command runs as an operator types it, on a Redis of its own
 * that no worker listens to, so nobody else can finish what it leaves.
 */
test.group('mailings:send --sync, without a worker', (group) => {
  let redis: PrivateRedis
  group.each.setup(async () => {
    redis = new PrivateRedis()
    await redis.start()
    return () => redis.close()
  })

  test('waits for a retry and sends it, then ends with the run completed and nothing queued', async ({
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const clients = await createClients(tenant, 2)
    const message = await createMessage(tenant)
    const mailing = await createOpenMailing(user, message, { name: 'Sync retry test' })
    smtp.scriptFor(clients[0].email, { kind: 'reject', code: 451, message: 'Greylisted' })

    const command = await runCommand(
      process.execPath,
      ['ace', 'mailings:send', `--mailing=${mailing.id}`, '--sync'],
      {
        cwd: app.makePath(),
        env: { ...process.env, NODE_ENV: 'test', ...redis.workerEnv, SEND_RETRY_DELAY: '2s' },
      }
    )

    assert.equal(command.code, 0, command.output)
    assert.include(command.output, 'Sent 2, failed 0, skipped 0', command.output)
    const run = await MailingRun.query().where('mailing_id', mailing.id).firstOrFail()
    assert.equal(run.status, 'completed', command.output)
    const retried = await Delivery.query()
      .where({ run_id: run.id, client_id: clients[0].id })
      .firstOrFail()
    assert.equal(retried.status, 'sent')
    assert.equal(retried.attempts, 2)
    for (const client of clients) assert.lengthOf(smtp.messagesTo(client.email), 1)
    await mailing.refresh()
    assert.equal(mailing.status, 'completed')

    const queue = new Queue('default', { connection: redis.connection })
    try {
      const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'paused'])
      assert.deepEqual(
        jobs.map((job) => job.name),
        []
      )
    } finally {
      await queue.close()
    }
  })
})
