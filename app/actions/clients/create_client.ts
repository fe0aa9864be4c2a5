import db from '@adonisjs/lucid/services/db'
import Client from '#models/client'
import type Tenant from '#models/tenant'
import { forgetWorkspaceClientCount } from '#services/clients/client_count'
import { applyAttributeChanges, type AttributeChanges } from '#audiences/attribute_values'
import {
  resolveClientTagChanges,
  writeTagChanges,
  type TagNameChanges,
} from '#audiences/tag_changes'
import { writeTransaction } from '#services/database/write_transaction'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { announceTakenOver, claimPendingClients } from '#audiences/pending_takeovers'

/**
 * A client as the web form and the API write it. Tags come as ids (the
 * form's ticked boxes: exactly those) or by name (the API's `add_tags`,
 * `remove_tags`: only those change).
 */
export interface ClientFields extends TagNameChanges {
  email: string
  fullName?: string
  comment?: string
  /**
   * The client's tags, ids of the workspace's own (checked by the
   * validator). Left out, an update keeps the tags as they are.
   */
  tagIds?: number[]
  /**
   * Checked attribute changes (checkAttributeValues): a value sets, null
   * clears; keys left out stay as they are.
   */
  attributes?: AttributeChanges
}

/**
 * Adds a client to a workspace by hand or over the API (the validator has
 * checked the email is free in this workspace), with its tags and
 * attributes, in one transaction: past the workspace's tag limit nothing is
 * created (a validation error of `addTags`). Says whether the address is on
 * the workspace's suppression list, as UpsertClients does for imports: the
 * client is saved all the same, and no mailing reaches it (adding a client
 * never lifts a suppression).
 *
 * An address still pending (signed up through a form, not confirmed; the
 * validator lets it through) is that client, taken over and subscribed: the
 * business adding the address vouches for its consent, as for a new client,
 * so a stranger's sign-up cannot keep a real client unmailed. It keeps its
 * id, consents and tags, and what the business leaves out (name, comment,
 * attributes) stays as the visitor typed it. Its `client.subscribed`
 * (source `workspace`) goes after the commit.
 *
 * Returns the client read back after the commit, as the API shows it.
 */
export default class CreateClient {
  static async handle(actor: Actor, tenant: Tenant, fields: ClientFields) {
    const { client, takenOver } = await writeTransaction(async (trx) => {
      const named = await resolveClientTagChanges(tenant.id, fields, trx)
      const pending = await Client.query({ client: trx })
        .where({ tenantId: tenant.id, email: fields.email })
        .whereNotNull('pendingAt')
        .first()
      const claimed = pending ? await claimPendingClients(trx, tenant.id, [pending.id]) : []
      const created = pending
        ? await pending
            .merge({
              fullName: fields.fullName ?? pending.fullName,
              comment: fields.comment ?? pending.comment,
              attributes: applyAttributeChanges(pending.attributes, fields.attributes ?? {}),
              pendingAt: null,
            })
            .save()
        : await Client.create(
            {
              tenantId: tenant.id,
              email: fields.email,
              fullName: fields.fullName ?? '',
              comment: fields.comment ?? null,
              attributes: applyAttributeChanges({}, fields.attributes ?? {}),
            },
            { client: trx }
          )
      const addTagIds = [...new Set([...(fields.tagIds ?? []), ...named.addTagIds])]
      await writeTagChanges([{ clientId: created.id, addTagIds, removeTagIds: [] }], trx)
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: tenant.id,
          action: 'client.create',
          subject: { type: 'client', id: created.id, label: created.email },
          details: pending ? { wasPending: true } : null,
        },
        trx
      )
      return { client: created, takenOver: claimed.length > 0 }
    })
    await forgetWorkspaceClientCount(tenant)
    if (takenOver) await announceTakenOver([client])
    // As stored, with the columns the database filled in.
    await client.refresh()
    const suppressed = await db
      .from('suppressions')
      .where({ tenant_id: tenant.id, email: client.email })
      .select('id')
      .first()
    return { client, suppressed: Boolean(suppressed) }
  }
}
