import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { dkimVerify } from 'mailauth/lib/dkim/verify.js'
import MailingRun from '#models/mailing_run'
import type Tenant from '#models/tenant'
import type User from '#models/user'
import AddSendingDomain from '#actions/sending_domains/add_sending_domain'
import CheckSendingDomain from '#actions/sending_domains/check_sending_domain'
import { dkimRecordValue } from '#services/sending_domains/domain_records'
import { smtp } from '#tests/helpers/peers'
import { createUser } from '#tests/helpers/users'
import { createClients, createMessage, createOpenMailing } from '#tests/helpers/workspace'
import { waitUntil } from '#tests/helpers/wait'
import { postForm } from '#tests/helpers/forms'
import { TestDnsServer } from '#tests/helpers/dns_server'
import type { ReceivedMail } from '#tests/helpers/smtp_server'
import { publishRecords, startDnsServer, uniqueDomain } from './helpers.js'
import { ownerActorOf } from '#tests/helpers/actors'

/**
 * A mailing to two new clients of `owner`, due now: the shared worker's
 * scheduler starts it and sends it through the test SMTP server. Resolves
 * with what the clients received.
 */
async function sendMailing(owner: { user: User; tenant: Tenant }) {
  const clients = await createClients(owner.tenant, 2)
  const message = await createMessage(owner.tenant, { subject: 'Spring news' })
  const mailing = await createOpenMailing(owner.user, message, { nextRunAt: DateTime.now() })
  await waitUntil(`the run of mailing ${mailing.id} to complete`, () =>
    MailingRun.query().where({ mailing_id: mailing.id, status: 'completed' }).first()
  )
  return Promise.all(clients.map((client) => smtp.waitForMailTo(client.email)))
}

function header(mail: ReceivedMail, name: string) {
  return mail.parsed.headers.get(name.toLowerCase())
}

test.group('Sending domains: what recipients receive', (group) => {
  let dns: TestDnsServer
  group.setup(async () => {
    dns = await startDnsServer((task) => group.teardown(task))
  })

  test('from our address "via" until the domain is verified, then from the workspace, DKIM-signed with its key', async ({
    assert,
  }) => {
    const owner = await createUser()
    const domainName = uniqueDomain()
    owner.tenant.merge({
      senderName: 'Acme News',
      senderEmail: `news@${domainName}`,
      replyTo: `help@${domainName}`,
    })
    await owner.tenant.save()
    const domain = await AddSendingDomain.handle(
      await ownerActorOf(owner.tenant),
      owner.tenant,
      domainName
    )

    // Not verified yet: our address, the workspace's name, its Reply-To.
    for (const mail of await sendMailing(owner)) {
      assert.deepEqual(mail.parsed.from?.value, [
        { name: 'Acme News via Mailings', address: 'hello@mailings.test' },
      ])
      assert.deepEqual(mail.parsed.replyTo?.value, [{ name: '', address: `help@${domainName}` }])
      assert.isUndefined(header(mail, 'dkim-signature'))
    }

    publishRecords(dns, domain)
    await CheckSendingDomain.handle(null, domain)
    assert.isTrue(domain.isVerified)

    for (const mail of await sendMailing(owner)) {
      assert.deepEqual(mail.parsed.from?.value, [
        { name: 'Acme News', address: `news@${domainName}` },
      ])
      assert.deepEqual(mail.parsed.replyTo?.value, [{ name: '', address: `help@${domainName}` }])

      // The signature, checked on the raw message against the key the
      // in-test DNS server publishes.
      const verified = await dkimVerify(Buffer.from(mail.raw), { resolver: dns.resolver() })
      assert.lengthOf(verified.results, 1)
      const [result] = verified.results
      assert.equal(result.status.result, 'pass', JSON.stringify(result.status))
      assert.equal(result.signingDomain, domainName)
      assert.equal(result.selector, domain.dkimSelector)
      assert.equal(result.status.aligned, domainName)

      // The same message against another key fails: the check can fail.
      const impostor = new TestDnsServer()
      await impostor.start()
      try {
        const stranger = await createUser()
        const { dkimPublicKey: otherKey } = await AddSendingDomain.handle(
          await ownerActorOf(stranger.tenant),
          stranger.tenant,
          uniqueDomain()
        )
        impostor.txt(`${domain.dkimSelector}._domainkey.${domainName}`, dkimRecordValue(otherKey))
        const forged = await dkimVerify(Buffer.from(mail.raw), { resolver: impostor.resolver() })
        assert.equal(forged.results[0].status.result, 'fail')
      } finally {
        await impostor.stop()
      }
    }

    // The key is taken away: from the next batch on, "via" us again.
    dns.txt(`${domain.dkimSelector}._domainkey.${domainName}`)
    await CheckSendingDomain.handle(null, domain)
    assert.isFalse(domain.isVerified)
    for (const mail of await sendMailing(owner)) {
      assert.equal(mail.parsed.from?.value[0].address, 'hello@mailings.test')
      assert.isUndefined(header(mail, 'dkim-signature'))
    }
  })

  test('a test send goes out as the workspace, signed like its mailings', async ({
    client,
    assert,
  }) => {
    const owner = await createUser()
    const domainName = uniqueDomain()
    owner.tenant.merge({ senderName: 'Acme Tests', senderEmail: `tests@${domainName}` })
    await owner.tenant.save()
    const domain = await AddSendingDomain.handle(
      await ownerActorOf(owner.tenant),
      owner.tenant,
      domainName
    )
    publishRecords(dns, domain)
    await CheckSendingDomain.handle(null, domain)
    const message = await createMessage(owner.tenant, { subject: 'Signed test' })

    const response = await postForm(client, `/messages/${message.id}/test-send`).loginAs(owner.user)
    response.assertStatus(302)

    const mail = await smtp.waitForMailTo(owner.user.email, '[Test] Signed test')
    assert.deepEqual(mail.parsed.from?.value, [
      { name: 'Acme Tests', address: `tests@${domainName}` },
    ])
    // Through the platform's server, MAIL FROM is ours: there is no
    // delivery for a VERP address (sentAsWorkspace).
    assert.equal(mail.from, 'hello@mailings.test')
    const verified = await dkimVerify(Buffer.from(mail.raw), { resolver: dns.resolver() })
    assert.equal(verified.results[0].status.result, 'pass', JSON.stringify(verified.results))
    assert.equal(verified.results[0].signingDomain, domainName)
  })
})
