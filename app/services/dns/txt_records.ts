import { Resolver } from 'node:dns/promises'
import sendingDomainsConfig from '#config/sending_domains'

/**
 * A lookup that got no answer (a timeout, SERVFAIL, a refused query): not
 * the same as "no such record", so callers do not read it as one.
 */
export class DnsLookupError extends Error {}

/**
 * Answers that mean the name or the record does not exist.
 */
const ABSENT = new Set(['ENODATA', 'ENOTFOUND', 'NXDOMAIN'])

/**
 * The TXT records at `name`, each one's character-strings joined (RFC 7208
 * §3.3, RFC 6376 §3.6.2.2: a long record is split in 255-byte strings that
 * mean one value). Empty when there are none. Asks the operator's
 * DNS_SERVERS (or the system's resolvers), with DNS_TIMEOUT per try.
 */
export async function txtRecords(name: string): Promise<string[]> {
  const resolver = new Resolver({ timeout: sendingDomainsConfig.dnsTimeout, tries: 2 })
  const servers = sendingDomainsConfig.dnsServers()
  if (servers.length > 0) resolver.setServers(servers)
  try {
    const records = await resolver.resolveTxt(name)
    return records.map((strings) => strings.join(''))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code && ABSENT.has(code)) return []
    throw new DnsLookupError(`Looking up ${name} failed (${code ?? (error as Error).message})`)
  }
}
