import type { Infer } from '@vinejs/vine/types'
import type Tenant from '#models/tenant'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import Mailing from '#models/mailing'
import ReplaceRecipients from '#actions/mailings/replace_recipients'
import ReplaceMailingTags from '#actions/mailings/replace_mailing_tags'
import { plannedColumns } from '#services/mailings/planned_columns'
import { wakeSchedulerFor } from '#sending/scheduler'
import type { createMailingValidator } from '#validators/mailing'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * A new mailing, and the scheduler woken for its first run once it is
 * committed (a wake that ran before the commit would not find it).
 * Returns the mailing read back after that, as the API shows it.
 */
export default class CreateMailing {
  static async handle({
    actor,
    tenant,
    data,
  }: {
    actor: Actor
    tenant: Tenant
    data: Infer<typeof createMailingValidator>
  }) {
    const mailing = await writeTransaction(async (trx) => {
      const created = await Mailing.create(
        {
          ...plannedColumns(data, tenant),
          tenantId: tenant.id,
          status: 'created',
          createdById: actor.user.id,
        },
        { client: trx }
      )
      if (data.audience === 'selected') {
        await ReplaceRecipients.handle(created, data.clientIds ?? [], trx)
      }
      if (data.audience === 'tags') {
        await ReplaceMailingTags.handle(created, data.tagIds ?? [], trx)
      }
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: tenant.id,
          action: 'mailing.create',
          subject: { type: 'mailing', id: created.id, label: created.name },
        },
        trx
      )
      return created
    })
    await wakeSchedulerFor(mailing.nextRunAt)
    // As stored, with the columns the database filled in.
    await mailing.refresh()
    return mailing
  }
}
