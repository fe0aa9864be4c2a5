import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Mailing from '#models/mailing'
import type User from '#models/user'
import RecordStaffAction from '#actions/audit/record_staff_action'

interface Params {
  mailing: Mailing
  actor: User
  reason: string
}

/**
 * Staff stop a mailing at once: batches being sent check the mailing's
 * status before every message (SendBatch's claim), and the scheduler
 * starts no run of it. The owner sees who disabled it and why, and cannot
 * resume it; its runs keep their place until staff enable it again.
 */
export default class DisableMailing {
  static async handle({ mailing, actor, reason }: Params) {
    await db.transaction(async (trx) => {
      // The row is locked (PostgreSQL) so a run completing at this moment
      // waits, then finds the mailing disabled.
      const locked = await Mailing.query({ client: trx })
        .where('id', mailing.id)
        .forUpdate()
        .firstOrFail()
      const previousStatus = locked.status
      mailing.useTransaction(trx)
      mailing.merge({
        status: 'disabled',
        statusReason: reason,
        statusChangedById: actor.id,
        statusChangedAt: DateTime.now(),
      })
      await mailing.save()
      await RecordStaffAction.handle(
        {
          actor,
          action: 'mailing.disable',
          subject: { type: 'mailing', id: mailing.id, label: mailing.name },
          reason,
          details: { previousStatus, tenantId: mailing.tenantId },
        },
        trx
      )
    })
  }
}
