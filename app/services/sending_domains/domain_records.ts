import sendingDomainsConfig from '#config/sending_domains'
import type {
  DomainRecordKind,
  RecordCheck,
  default as SendingDomain,
} from '#models/sending_domain'

/**
 * The ownership token lives on a name of its own rather than at the apex,
 * so it never mixes with the domain's SPF and other apex TXT records.
 */
export const OWNERSHIP_LABEL = '_mailings-verification'
export const OWNERSHIP_PREFIX = 'mailings-verification='

/**
 * One record the owner publishes: where, what, and whether verification
 * depends on it.
 */
export interface DomainRecord {
  kind: DomainRecordKind
  label: string
  name: string
  value: string
  required: boolean
}

type DomainKeys = Pick<
  SendingDomain,
  'domain' | 'verificationToken' | 'dkimSelector' | 'dkimPublicKey'
>

export function dkimRecordValue(publicKey: string) {
  return `v=DKIM1; k=rsa; p=${publicKey}`
}

/**
 * The four TXT records of a domain, as the page lists them.
 */
export function domainRecords(domain: DomainKeys): DomainRecord[] {
  const include = sendingDomainsConfig.spfInclude
  return [
    {
      kind: 'ownership',
      label: 'Ownership',
      name: `${OWNERSHIP_LABEL}.${domain.domain}`,
      value: `${OWNERSHIP_PREFIX}${domain.verificationToken}`,
      required: true,
    },
    {
      kind: 'dkim',
      label: 'DKIM',
      name: `${domain.dkimSelector}._domainkey.${domain.domain}`,
      value: dkimRecordValue(domain.dkimPublicKey),
      required: true,
    },
    {
      kind: 'spf',
      label: 'SPF',
      name: domain.domain,
      value: include ? `v=spf1 include:${include} ~all` : 'v=spf1 mx ~all',
      required: false,
    },
    {
      kind: 'dmarc',
      label: 'DMARC',
      name: `_dmarc.${domain.domain}`,
      value: 'v=DMARC1; p=none',
      required: false,
    },
  ]
}

/**
 * DKIM tag lists (RFC 6376 §3.2): `tag=value` pairs split by semicolons,
 * whitespace anywhere inside a value ignored.
 */
function dkimTags(record: string) {
  const tags = new Map<string, string>()
  for (const part of record.split(';')) {
    const at = part.indexOf('=')
    if (at < 0) continue
    tags.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).replace(/\s+/g, ''))
  }
  return tags
}

/**
 * The TXT records at a record's name that are of its kind: only those are
 * shown and judged (an apex carries many unrelated TXT records).
 */
function relevant(kind: DomainRecordKind, records: string[]) {
  const startsWith = (prefix: string) =>
    records.filter((record) => record.trim().toLowerCase().startsWith(prefix))
  switch (kind) {
    case 'ownership':
      return startsWith(OWNERSHIP_PREFIX)
    case 'dkim':
      return records.filter((record) => dkimTags(record).has('p'))
    case 'spf':
      return startsWith('v=spf1')
    case 'dmarc':
      return startsWith('v=dmarc1')
  }
}

/**
 * Judges what DNS answered for one record: ok, missing (none of its kind
 * there) or wrong (one there that is not ours: another token or DKIM key,
 * an SPF record without the operator's include, two SPF or DMARC records,
 * which receivers treat as none at all).
 */
export function judgeRecord(record: DomainRecord, answered: string[]): RecordCheck {
  const found = relevant(record.kind, answered).slice(0, 5)
  if (found.length === 0) return { status: 'missing', found }
  const ok = (() => {
    switch (record.kind) {
      case 'ownership':
        return found.some((value) => value.trim() === record.value)
      case 'dkim': {
        const wanted = dkimTags(record.value).get('p')
        return found.some((value) => dkimTags(value).get('p') === wanted)
      }
      case 'spf': {
        if (found.length > 1) return false
        const include = sendingDomainsConfig.spfInclude
        return !include || found[0].toLowerCase().split(/\s+/).includes(`include:${include}`)
      }
      case 'dmarc':
        return found.length === 1
    }
  })()
  return { status: ok ? 'ok' : 'wrong', found }
}
