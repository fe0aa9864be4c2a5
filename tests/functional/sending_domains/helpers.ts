import env from '#start/env'
import type SendingDomain from '#models/sending_domain'
import { domainRecords } from '#services/sending_domains/domain_records'
import { TestDnsServer } from '#tests/helpers/dns_server'

let sequence = 0

/**
 * A domain name no other test uses.
 */
export function uniqueDomain(prefix = 'acme') {
  sequence += 1
  return `${prefix}-${Date.now().toString(36)}${sequence}.example`
}

/**
 * A DNS server of the test's own, with this process (the in-process web
 * server and the actions) pointed at it through DNS_SERVERS, and put back
 * when the group ends.
 */
export async function startDnsServer(cleanup: (task: () => Promise<void>) => void) {
  const dns = new TestDnsServer()
  await dns.start()
  const before = env.get('DNS_SERVERS')
  env.set('DNS_SERVERS', [dns.servers])
  cleanup(async () => {
    env.set('DNS_SERVERS', before)
    await dns.stop()
  })
  return dns
}

/**
 * Publishes a domain's records as the page asks: its ownership token and
 * DKIM key (and, with `advice`, the SPF and DMARC suggestions).
 */
export function publishRecords(dns: TestDnsServer, domain: SendingDomain, advice = false) {
  for (const record of domainRecords(domain)) {
    if (record.required || advice) dns.txt(record.name, record.value)
  }
}
