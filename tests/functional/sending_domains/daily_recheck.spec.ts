import { test } from '@japa/runner'
import { Queue } from 'bullmq'
import AddSendingDomain from '#actions/sending_domains/add_sending_domain'
import CheckSendingDomain from '#actions/sending_domains/check_sending_domain'
import RecheckDomainsJob from '#jobs/recheck_domains_job'
import SendingDomain from '#models/sending_domain'
import { sqlTime } from '#services/database/sql_time'
import { TestDnsServer } from '#tests/helpers/dns_server'
import { PrivateRedis } from '#tests/helpers/private_redis'
import { WorkerProcess } from '#tests/helpers/worker'
import { createUser } from '#tests/helpers/users'
import { waitUntil } from '#tests/helpers/wait'
import { publishRecords, startDnsServer, uniqueDomain } from './helpers.js'
import { ownerActorOf } from '#tests/helpers/actors'

/**
 * The daily recheck as operators run it: a worker process of its own (on a
 * Redis of the test's, so no other worker takes the job), given the DNS
 * server through its environment (DNS_SERVERS), as an operator's .env does.
 */
test.group('Sending domains: the daily recheck in a worker', (group) => {
  let dns: TestDnsServer
  group.setup(async () => {
    dns = await startDnsServer((task) => group.teardown(task))
  })

  test('unverifies a domain whose DKIM record is gone, through DNS_SERVERS', async ({
    assert,
    cleanup,
  }) => {
    const { tenant } = await createUser()
    const domain = await AddSendingDomain.handle(await ownerActorOf(tenant), tenant, uniqueDomain())
    publishRecords(dns, domain)
    await CheckSendingDomain.handle(null, domain)
    assert.isTrue(domain.isVerified)
    // Checked two days ago; the key is gone since.
    await SendingDomain.query()
      .where('id', domain.id)
      .update({ checked_at: sqlTime(domain.checkedAt!.minus({ days: 2 })) })
    dns.txt(`${domain.dkimSelector}._domainkey.${domain.domain}`)

    const redis = new PrivateRedis()
    const worker = new WorkerProcess(['--no-schedule'])
    let queue: Queue | undefined
    cleanup(async () => {
      await worker.stop()
      await queue?.close()
      await redis.close()
    })
    await redis.start()
    queue = new Queue('default', { connection: redis.connection })
    await worker.start({ ...redis.workerEnv, DNS_SERVERS: dns.servers })
    await queue.add(RecheckDomainsJob.$$filepath, {})

    const lost = await waitUntil('the worker to recheck the domain', async () => {
      const row = await SendingDomain.findOrFail(domain.id)
      return row.verificationLostAt ? row : null
    })
    assert.isFalse(lost.isVerified)
    assert.equal(lost.checkResults?.dkim?.status, 'missing')
    assert.equal(lost.checkResults?.ownership?.status, 'ok')
  })
})
