import db from '@adonisjs/lucid/services/db'
import type { Infer } from '@vinejs/vine/types'
import type Tenant from '#models/tenant'
import type User from '#models/user'
import Mailing from '#models/mailing'
import ReplaceRecipients from '#actions/mailings/replace_recipients'
import { firstRunAt } from '#sending/mailing_schedule'
import { wakeSchedulerFor } from '#sending/scheduler'
import type { createMailingValidator } from '#validators/mailing'

/**
 * A new mailing, and the scheduler woken for its first run once it is
 * committed (a wake that ran before the commit would not find it).
 */
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
    const mailing = await db.transaction(async (trx) => {
      const created = await Mailing.create(
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
        await ReplaceRecipients.handle(created, data.clientIds ?? [], trx)
      }
      return created
    })
    await wakeSchedulerFor(mailing.nextRunAt)
    return mailing
  }
}
