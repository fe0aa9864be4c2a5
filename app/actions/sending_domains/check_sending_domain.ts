import { DateTime } from 'luxon'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import type SendingDomain from '#models/sending_domain'
import { REQUIRED_RECORD_KINDS, type CheckResults, type RecordCheck } from '#models/sending_domain'
import { DnsLookupError, txtRecords } from '#services/dns/txt_records'
import { domainRecords, judgeRecord } from '#services/sending_domains/domain_records'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * "Check now" and the daily recheck: looks up a domain's four records and
 * records what it found. The domain is verified while its ownership token
 * and DKIM key are both there; a later check that finds either missing or
 * wrong unverifies it (its mail goes "via" the operator again) and notes
 * when. A lookup that got no answer changes nothing: a DNS server's bad
 * minute must not take a workspace's domain away. A member's "Check now"
 * (an actor) is in the audit log; the daily recheck (null) is not.
 */
export default class CheckSendingDomain {
  static async handle(actor: Actor | null, domain: SendingDomain) {
    const records = domainRecords(domain)
    const checks = await Promise.all(
      records.map(async (record): Promise<RecordCheck> => {
        try {
          return judgeRecord(record, await txtRecords(record.name))
        } catch (error) {
          if (error instanceof DnsLookupError) return { status: 'error', found: [] }
          throw error
        }
      })
    )
    const results: CheckResults = {}
    records.forEach((record, index) => (results[record.kind] = checks[index]))

    const required = REQUIRED_RECORD_KINDS.map((kind) => results[kind]!.status)
    const now = DateTime.now()
    if (required.every((status) => status === 'ok')) {
      domain.verifiedAt ??= now
      domain.verificationLostAt = null
    } else if (
      required.some((status) => status === 'missing' || status === 'wrong') &&
      domain.verifiedAt
    ) {
      domain.verifiedAt = null
      domain.verificationLostAt = now
    }
    domain.merge({ checkResults: results, checkedAt: now })
    if (!actor) {
      await domain.save()
      return domain
    }
    await writeTransaction(async (trx) => {
      domain.useTransaction(trx)
      await domain.save()
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: domain.tenantId,
          action: 'sending_domain.check',
          subject: { type: 'sending_domain', id: domain.id, label: domain.domain },
          details: { verified: domain.verifiedAt !== null },
        },
        trx
      )
    })
    return domain
  }
}
