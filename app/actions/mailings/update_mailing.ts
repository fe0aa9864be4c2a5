import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { Infer } from '@vinejs/vine/types'
import type Tenant from '#models/tenant'
import type Mailing from '#models/mailing'
import ReplaceRecipients from '#actions/mailings/replace_recipients'
import ReplaceMailingTags from '#actions/mailings/replace_mailing_tags'
import { nextOccurrence } from '#sending/mailing_schedule'
import { plannedColumns } from '#services/mailings/planned_columns'
import { wakeSchedulerFor } from '#sending/scheduler'
import CompleteMailing from '#sending/complete_mailing'
import { createMailingValidator, updateStartedMailingValidator } from '#validators/mailing'
import { tenantMeta } from '#validators/tenant_meta'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * Before its first run everything about a mailing may change; once it has
 * started, only its name and the end of its window (the rest belongs to
 * runs that happened).
 */
export default class UpdateMailing {
  /**
   * Validates the changes here rather than in the controllers: which fields
   * may change depends on the mailing's state, and the form and the API
   * must keep the same rule. `input` is the form's fields or the API body;
   * a refusal throws vine's ValidationError, answered as any validation is.
   * The scheduler is woken after the commit, for the next run; a started
   * mailing left without one completes. Returns the mailing read back
   * after that, as the API shows it.
   */
  static async handle({
    actor,
    tenant,
    mailing,
    input,
  }: {
    actor: Actor
    tenant: Tenant
    mailing: Mailing
    input: unknown
  }) {
    if (mailing.hasStarted) {
      const data = await updateStartedMailingValidator.validate(input, {
        meta: { ...tenantMeta(tenant), startAt: mailing.startAt },
      })
      await UpdateMailing.#updateStarted(actor, tenant, mailing, data)
    } else {
      const data = await createMailingValidator.validate(input, { meta: tenantMeta(tenant) })
      await UpdateMailing.#updateAll(actor, tenant, mailing, data)
    }
    await wakeSchedulerFor(mailing.nextRunAt)
    // As stored, with the columns the database filled in.
    await mailing.refresh()
    return mailing
  }

  static async #updateAll(
    actor: Actor,
    tenant: Tenant,
    mailing: Mailing,
    data: Infer<typeof createMailingValidator>
  ) {
    return writeTransaction(async (trx) => {
      mailing.useTransaction(trx)
      mailing.merge(plannedColumns(data, tenant))
      await mailing.save()
      const clientIds = data.audience === 'selected' ? (data.clientIds ?? []) : []
      await ReplaceRecipients.handle(mailing, clientIds, trx)
      await ReplaceMailingTags.handle(
        mailing,
        data.audience === 'tags' ? (data.tagIds ?? []) : [],
        trx
      )
      await UpdateMailing.#record(actor, mailing, trx)
      return mailing
    })
  }

  static async #updateStarted(
    actor: Actor,
    tenant: Tenant,
    mailing: Mailing,
    data: Infer<typeof updateStartedMailingValidator>
  ) {
    await writeTransaction(async (trx) => {
      mailing.useTransaction(trx)
      mailing.name = data.name
      mailing.endAt = data.endAt
      mailing.nextRunAt = nextOccurrence({
        startAt: mailing.startAt,
        endAt: data.endAt,
        periodicity: mailing.periodicity,
        timeZone: tenant.timeZone,
      })
      await mailing.save()
      // A window shortened past its last occurrence leaves nothing to run.
      if (await CompleteMailing.handle(mailing.id, { trx })) await mailing.refresh()
      await UpdateMailing.#record(actor, mailing, trx)
    })
  }

  static async #record(actor: Actor, mailing: Mailing, trx: TransactionClientContract) {
    await RecordWorkspaceEvent.handle(
      actor,
      {
        tenantId: mailing.tenantId,
        action: 'mailing.update',
        subject: { type: 'mailing', id: mailing.id, label: mailing.name },
      },
      trx
    )
  }
}
