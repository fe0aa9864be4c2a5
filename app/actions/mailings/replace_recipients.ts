import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type Mailing from '#models/mailing'

const BATCH = 500

/**
 * Replaces a mailing's chosen recipients, in batches so thousands of ids do
 * not make one giant statement. The ids were checked to be the workspace's
 * by the validator.
 */
export default class ReplaceRecipients {
  static async handle(mailing: Mailing, clientIds: number[], trx: TransactionClientContract) {
    await trx.from('mailing_recipients').where('mailing_id', mailing.id).delete()
    const unique = [...new Set(clientIds)]
    for (let i = 0; i < unique.length; i += BATCH) {
      const rows = unique.slice(i, i + BATCH).map((clientId) => ({
        mailing_id: mailing.id,
        client_id: clientId,
      }))
      await trx.table('mailing_recipients').multiInsert(rows)
    }
  }
}
