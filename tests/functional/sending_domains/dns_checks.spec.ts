import { test } from '@japa/runner'
import { generateKeyPairSync } from 'node:crypto'
import AddSendingDomain from '#actions/sending_domains/add_sending_domain'
import CheckSendingDomain from '#actions/sending_domains/check_sending_domain'
import RecheckSendingDomains from '#actions/sending_domains/recheck_sending_domains'
import SendingDomain, { type RecordStatus } from '#models/sending_domain'
import env from '#start/env'
import { dkimRecordValue } from '#services/sending_domains/domain_records'
import sendingDomainsConfig from '#config/sending_domains'
import { sqlTime } from '#services/database/sql_time'
import { createUser } from '#tests/helpers/users'
import { freePort } from '#tests/helpers/net'
import type { TestDnsServer } from '#tests/helpers/dns_server'
import { publishRecords, startDnsServer, uniqueDomain } from './helpers.js'
import { ownerActorOf } from '#tests/helpers/actors'

/**
 * Another 2048-bit key: what a DKIM record shows when someone published
 * the wrong one (a previous provider's, another workspace's).
 */
const OTHER_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .publicKey.export({ type: 'spki', format: 'der' })
  .toString('base64')

async function newDomain() {
  const { tenant } = await createUser()
  return AddSendingDomain.handle(await ownerActorOf(tenant), tenant, uniqueDomain())
}

type Statuses = Record<'ownership' | 'dkim' | 'spf' | 'dmarc', RecordStatus>

const CASES: {
  name: string
  publish: (dns: TestDnsServer, domain: SendingDomain) => void
  statuses: Statuses
  verified: boolean
}[] = [
  {
    name: 'nothing published',
    publish: () => {},
    statuses: { ownership: 'missing', dkim: 'missing', spf: 'missing', dmarc: 'missing' },
    verified: false,
  },
  {
    name: 'ownership and DKIM published',
    publish: (dns, domain) => publishRecords(dns, domain),
    statuses: { ownership: 'ok', dkim: 'ok', spf: 'missing', dmarc: 'missing' },
    verified: true,
  },
  {
    name: 'all four published',
    publish: (dns, domain) => publishRecords(dns, domain, true),
    statuses: { ownership: 'ok', dkim: 'ok', spf: 'ok', dmarc: 'ok' },
    verified: true,
  },
  {
    name: 'DKIM missing',
    publish: (dns, domain) => {
      publishRecords(dns, domain)
      dns.txt(`${domain.dkimSelector}._domainkey.${domain.domain}`)
    },
    statuses: { ownership: 'ok', dkim: 'missing', spf: 'missing', dmarc: 'missing' },
    verified: false,
  },
  {
    name: 'another DKIM key under the selector',
    publish: (dns, domain) => {
      publishRecords(dns, domain)
      dns.txt(`${domain.dkimSelector}._domainkey.${domain.domain}`, dkimRecordValue(OTHER_KEY))
    },
    statuses: { ownership: 'ok', dkim: 'wrong', spf: 'missing', dmarc: 'missing' },
    verified: false,
  },
  {
    name: 'another token at the ownership name',
    publish: (dns, domain) => {
      publishRecords(dns, domain)
      dns.txt(`_mailings-verification.${domain.domain}`, 'mailings-verification=not-yours')
    },
    statuses: { ownership: 'wrong', dkim: 'ok', spf: 'missing', dmarc: 'missing' },
    verified: false,
  },
  {
    name: 'the token among unrelated records, DKIM key with spaces (as some DNS hosts show it)',
    publish: (dns, domain) => {
      dns.txt(
        `_mailings-verification.${domain.domain}`,
        'google-site-verification=abc',
        `mailings-verification=${domain.verificationToken}`
      )
      const spaced = domain.dkimPublicKey.replace(/(.{64})/g, '$1 ')
      dns.txt(`${domain.dkimSelector}._domainkey.${domain.domain}`, `v=DKIM1; k=rsa; p=${spaced}`)
    },
    statuses: { ownership: 'ok', dkim: 'ok', spf: 'missing', dmarc: 'missing' },
    verified: true,
  },
  {
    name: 'two SPF records and two DMARC records (receivers ignore both)',
    publish: (dns, domain) => {
      publishRecords(dns, domain)
      dns.txt(domain.domain, 'v=spf1 mx ~all', 'v=spf1 a ~all', 'some-other=record')
      dns.txt(`_dmarc.${domain.domain}`, 'v=DMARC1; p=none', 'v=DMARC1; p=reject')
    },
    statuses: { ownership: 'ok', dkim: 'ok', spf: 'wrong', dmarc: 'wrong' },
    verified: true,
  },
]

test.group('Sending domains: DNS checks', (group) => {
  let dns: TestDnsServer
  group.setup(async () => {
    dns = await startDnsServer((task) => group.teardown(task))
  })

  for (const { name, publish, statuses, verified } of CASES) {
    test(name, async ({ assert }) => {
      const domain = await newDomain()
      publish(dns, domain)

      await CheckSendingDomain.handle(null, domain)

      const stored = await SendingDomain.findOrFail(domain.id)
      const found = Object.fromEntries(
        Object.entries(stored.checkResults ?? {}).map(([kind, check]) => [kind, check.status])
      )
      assert.deepEqual(found, statuses)
      assert.equal(stored.isVerified, verified)
      assert.isNotNull(stored.checkedAt)
    })
  }

  test('SPF with the operator’s include is ok, without it wrong', async ({ assert, cleanup }) => {
    const before = sendingDomainsConfig.spfInclude
    sendingDomainsConfig.spfInclude = '_spf.mailings.example'
    cleanup(() => {
      sendingDomainsConfig.spfInclude = before
    })

    const domain = await newDomain()
    publishRecords(dns, domain)
    dns.txt(domain.domain, 'v=spf1 mx include:_spf.mailings.example ~all')
    await CheckSendingDomain.handle(null, domain)
    assert.equal(domain.checkResults?.spf?.status, 'ok')

    dns.txt(domain.domain, 'v=spf1 mx ~all')
    await CheckSendingDomain.handle(null, domain)
    assert.equal(domain.checkResults?.spf?.status, 'wrong')
  })

  test('a verified domain whose DKIM record goes away is unverified, and says when', async ({
    assert,
  }) => {
    const domain = await newDomain()
    publishRecords(dns, domain)
    await CheckSendingDomain.handle(null, domain)
    assert.isTrue(domain.isVerified)
    const verifiedAt = domain.verifiedAt!.toMillis()

    // Checked again, still there: it stays verified since the first time.
    await CheckSendingDomain.handle(null, domain)
    assert.equal(domain.verifiedAt!.toMillis(), verifiedAt)

    dns.txt(`${domain.dkimSelector}._domainkey.${domain.domain}`)
    await CheckSendingDomain.handle(null, domain)
    const lost = await SendingDomain.findOrFail(domain.id)
    assert.isFalse(lost.isVerified)
    assert.isNotNull(lost.verificationLostAt)

    publishRecords(dns, domain)
    await CheckSendingDomain.handle(null, domain)
    const back = await SendingDomain.findOrFail(domain.id)
    assert.isTrue(back.isVerified)
    assert.isNull(back.verificationLostAt)
  })

  test('a lookup that gets no answer leaves a verified domain verified', async ({
    assert,
    cleanup,
  }) => {
    const domain = await newDomain()
    publishRecords(dns, domain)
    await CheckSendingDomain.handle(null, domain)
    assert.isTrue(domain.isVerified)

    // A DNS server that is not there: every query fails, none says "absent".
    const before = env.get('DNS_SERVERS')
    env.set('DNS_SERVERS', [`127.0.0.1:${await freePort()}`])
    cleanup(() => env.set('DNS_SERVERS', before))
    await CheckSendingDomain.handle(null, domain)

    const stored = await SendingDomain.findOrFail(domain.id)
    assert.equal(stored.checkResults?.ownership?.status, 'error')
    assert.equal(stored.checkResults?.dkim?.status, 'error')
    assert.isTrue(stored.isVerified)
  })

  test('the daily recheck checks domains not checked for a day, and only those', async ({
    assert,
  }) => {
    const fresh = await newDomain()
    publishRecords(dns, fresh)
    await CheckSendingDomain.handle(null, fresh)
    const stale = await newDomain()
    publishRecords(dns, stale)
    await CheckSendingDomain.handle(null, stale)
    // Checked two days ago, verified then; its DKIM record is gone since.
    await SendingDomain.query()
      .where('id', stale.id)
      .update({ checked_at: sqlTime(stale.checkedAt!.minus({ days: 2 })) })
    dns.txt(`${stale.dkimSelector}._domainkey.${stale.domain}`)
    const { checkedAt: freshCheckedAt } = await SendingDomain.findOrFail(fresh.id)

    await RecheckSendingDomains.handle()

    const staleNow = await SendingDomain.findOrFail(stale.id)
    assert.isFalse(staleNow.isVerified)
    assert.equal(staleNow.checkResults?.dkim?.status, 'missing')
    const freshNow = await SendingDomain.findOrFail(fresh.id)
    assert.equal(freshNow.checkedAt!.toMillis(), freshCheckedAt!.toMillis())
    assert.isTrue(freshNow.isVerified)
  })
})
