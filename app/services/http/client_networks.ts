import ipaddr from 'ipaddr.js'

/**
 * The key a client address is counted under by the per-IP limits (log-in
 * attempts, account mail, the API's quota for calls without a token).
 *
 * An IPv4 address counts on its own. An IPv6 address counts with its whole
 * /64, the block one subscriber gets (a home line, a VPS): counted address by
 * address, one machine could rotate through 2^64 source addresses and never
 * meet a per-IP limit, exactly as forged X-Forwarded-For headers did before
 * TRUSTED_PROXIES. An IPv4-mapped IPv6 address (::ffff:203.0.113.7, what a
 * dual-stack socket reports) counts as the IPv4 address it carries.
 */
export function networkKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip
  const address = ipaddr.process(ip)
  if (address.kind() === 'ipv4') return address.toString()
  const prefix = (address as ipaddr.IPv6).parts.slice(0, 4)
  return `${prefix.map((part) => part.toString(16)).join(':')}::/64`
}
