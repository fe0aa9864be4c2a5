import db from '@adonisjs/lucid/services/db'
import type { Infer } from '@vinejs/vine/types'
import type Tenant from '#models/tenant'
import type Mailing from '#models/mailing'
import ReplaceRecipients from '#actions/mailings/replace_recipients'
import { firstRunAt, nextOccurrence } from '#sending/mailing_schedule'
import type { createMailingValidator, updateStartedMailingValidator } from '#validators/mailing'

/**
 * Before its first run everything about a mailing may change; once it has
 * started, only its name and the end of its window (the rest belongs to
 * runs that happened).
 */
export default class UpdateMailing {
  static hasStarted(mailing: Mailing) {
    return mailing.status !== 'created'
  }

  static async handle({
    tenant,
    mailing,
    data,
  }: {
    tenant: Tenant
    mailing: Mailing
    data: Infer<typeof createMailingValidator>
  }) {
    return db.transaction(async (trx) => {
      mailing.useTransaction(trx)
      mailing.merge({
        name: data.name,
        messageId: data.messageId,
        audience: data.audience,
        periodicity: data.periodicity,
        startAt: data.startAt,
        endAt: data.endAt,
        nextRunAt: firstRunAt({ ...data, timeZone: tenant.timeZone }),
      })
      await mailing.save()
      const clientIds = data.audience === 'selected' ? (data.clientIds ?? []) : []
      await ReplaceRecipients.handle(mailing, clientIds, trx)
      return mailing
    })
  }

  static async handleStarted({
    tenant,
    mailing,
    data,
  }: {
    tenant: Tenant
    mailing: Mailing
    data: Infer<typeof updateStartedMailingValidator>
  }) {
    mailing.name = data.name
    mailing.endAt = data.endAt
    mailing.nextRunAt = nextOccurrence({
      startAt: mailing.startAt,
      endAt: data.endAt,
      periodicity: mailing.periodicity,
      timeZone: tenant.timeZone,
    })
    await mailing.save()
    return mailing
  }
}
