import db from '@adonisjs/lucid/services/db'
import type { Infer } from '@vinejs/vine/types'
import type Tenant from '#models/tenant'
import type User from '#models/user'
import Mailing from '#models/mailing'
import ReplaceRecipients from '#actions/mailings/replace_recipients'
import { firstRunAt } from '#sending/mailing_schedule'
import type { createMailingValidator } from '#validators/mailing'

export default class CreateMailing {
  static async handle({
    tenant,
    user,
    data,
  }: {
    tenant: Tenant
    user: User
    data: Infer<typeof createMailingValidator>
  }) {
    return db.transaction(async (trx) => {
      const mailing = await Mailing.create(
        {
          tenantId: tenant.id,
          name: data.name,
          messageId: data.messageId,
          audience: data.audience,
          periodicity: data.periodicity,
          startAt: data.startAt,
          endAt: data.endAt,
          status: 'created',
          createdById: user.id,
          nextRunAt: firstRunAt({ ...data, timeZone: tenant.timeZone }),
        },
        { client: trx }
      )
      if (data.audience === 'selected') {
        await ReplaceRecipients.handle(mailing, data.clientIds ?? [], trx)
      }
      return mailing
    })
  }
}
