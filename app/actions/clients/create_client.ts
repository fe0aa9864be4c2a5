import db from '@adonisjs/lucid/services/db'
import Client from '#models/client'
import type Tenant from '#models/tenant'
import { forgetWorkspaceClientCount } from '#services/clients/client_count'
import { applyAttributeChanges, type AttributeChanges } from '#audiences/attribute_values'
import { addTagsToClients } from '#audiences/client_tags'

export interface ClientFields {
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
 * Adds a client to a workspace by hand (the form has checked the email is
 * free in this workspace), with its tags and attributes in the same
 * transaction. Says whether the address is on the workspace's suppression
 * list, as UpsertClients does for imports: the client is saved all the
 * same, and no mailing reaches it (adding a client never lifts a
 * suppression).
 */
export default class CreateClient {
  static async handle(tenant: Tenant, fields: ClientFields) {
    const client = await db.transaction(async (trx) => {
      const created = await Client.create(
        {
          tenantId: tenant.id,
          email: fields.email,
          fullName: fields.fullName ?? '',
          comment: fields.comment ?? null,
          attributes: applyAttributeChanges({}, fields.attributes ?? {}),
        },
        { client: trx }
      )
      await addTagsToClients(fields.tagIds ?? [], [created.id], trx)
      return created
    })
    await forgetWorkspaceClientCount(tenant)
    const suppressed = await db
      .from('suppressions')
      .where({ tenant_id: tenant.id, email: client.email })
      .select('id')
      .first()
    return { client, suppressed: Boolean(suppressed) }
  }
}
