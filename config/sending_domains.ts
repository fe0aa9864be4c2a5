import env from '#start/env'

/**
 * Sending domains: how their DNS records are checked and what the page
 * suggests publishing (README, "Sending as your own domain").
 */
const sendingDomainsConfig = {
  /**
   * The DNS servers checks ask (DNS_SERVERS); empty: the system's resolvers.
   * Read through `dnsServers()` so a test can point a running process at
   * the DNS server it started.
   */
  dnsServers: () => env.get('DNS_SERVERS') ?? [],

  /**
   * How long one DNS query may take before it counts as a failed lookup
   * (which leaves a domain as it was rather than unverifying it).
   */
  dnsTimeout: env.get('DNS_TIMEOUT') ?? 5000,

  /**
   * What the operator's SPF record is named, for the suggested
   * `include:` (e.g. `_spf.mailings.example`). Unset: the page suggests
   * none and the SPF row only says whether the domain has an SPF record.
   */
  spfInclude: env.get('SPF_INCLUDE')?.trim().toLowerCase() || null,

  /**
   * Domains one workspace may add: each costs a key pair and a daily check.
   */
  maxPerWorkspace: 5,

  /**
   * How often every domain is checked again.
   */
  recheckEvery: 24 * 3600 * 1000,
}

export default sendingDomainsConfig
