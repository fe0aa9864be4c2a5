import { BlockList, isIP } from 'node:net'
import webhooksConfig from '#config/webhooks'

/**
 * Where a webhook must never go: private, loopback, link-local (cloud
 * metadata at 169.254.169.254), carrier-grade NAT, multicast, reserved and
 * unspecified addresses, in IPv4 and IPv6, and the IPv6 ranges that carry
 * an IPv4 address inside (so `[::7f00:1]` or `[64:ff9b::a9fe:a9fe]` cannot
 * reach loopback or the metadata service through a translator). IPv4-mapped
 * addresses (`::ffff:10.0.0.1`) are checked against the IPv4 ranges by
 * BlockList itself. Used when an endpoint is saved and again, on the
 * resolved address, at connection time (http.ts), where
 * request-filtering-agent also refuses every special range ipaddr.js knows.
 */
const forbidden = new BlockList()
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  forbidden.addSubnet(network, prefix, 'ipv4')
}
for (const [network, prefix] of [
  // Unspecified, and IPv4-compatible (::a.b.c.d, deprecated by RFC 4291).
  ['::', 96],
  ['::1', 128],
  // NAT64 (RFC 6052), and its local-use prefix (RFC 8215).
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  // 6to4 (RFC 3056): 2002:a.b.c.d::/48 tunnels to the IPv4 address a.b.c.d.
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  forbidden.addSubnet(network, prefix, 'ipv6')
}

/**
 * The allowlist (WEBHOOK_ALLOWED_HOSTS) split the way the connection filter
 * needs it: addresses and ranges, and host names.
 */
export function allowlist(entries = webhooksConfig.allowedHosts) {
  const addresses = entries.filter((entry) => isIP(entry.split('/')[0]) !== 0)
  const names = entries.filter((entry) => !addresses.includes(entry))
  return { addresses, names }
}

/**
 * Whether an IP address is one a webhook must not reach (and the allowlist
 * does not let through).
 */
export function isForbiddenAddress(address: string, entries = webhooksConfig.allowedHosts) {
  const type = isIP(address)
  if (type === 0 || isAllowed(address, entries)) return false
  return forbidden.check(address, type === 6 ? 'ipv6' : 'ipv4')
}

function isAllowed(host: string, entries: string[]) {
  const { addresses, names } = allowlist(entries)
  if (names.includes(host)) return true
  const allowed = new BlockList()
  for (const entry of addresses) {
    const [network, prefix] = entry.split('/')
    const type = isIP(network) === 6 ? 'ipv6' : 'ipv4'
    if (prefix) allowed.addSubnet(network, Number(prefix), type)
    else allowed.addAddress(network, type)
  }
  const type = isIP(host) === 6 ? 'ipv6' : 'ipv4'
  return isIP(host) !== 0 && allowed.check(host, type)
}

/**
 * Why an endpoint URL is refused, or null when it may be saved. Host names
 * are checked again after DNS resolution, at connection time
 * (http.ts); this catches literal addresses while the user is
 * still looking at the form.
 */
export function urlProblem(value: string, entries = webhooksConfig.allowedHosts) {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'Enter a full URL, such as https://example.com/webhooks'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return 'The URL must start with https:// or http://'
  }
  if (url.username || url.password) {
    return 'Leave credentials out of the URL: verify the signature instead'
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (isAllowed(host, entries)) return null
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return 'The URL must not point to this server (localhost)'
  }
  if (isForbiddenAddress(host, entries)) {
    return 'The URL must not point to a private, loopback, link-local or metadata address'
  }
  return null
}
