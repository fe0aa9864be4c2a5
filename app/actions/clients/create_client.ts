import db from '@adonisjs/lucid/services/db'
import type Tenant from '#models/tenant'
import { forgetWorkspaceClientCount } from '#services/clients/client_count'
import { applyAttributeChanges, type AttributeChanges } from '#audiences/attribute_values'
import {
  resolveClientTagChanges,
  writeTagChanges,
  type TagNameChanges,
} from '#audiences/tag_changes'

export interface ClientFields {
  email: string
  fullName?: string
  comment?: string
}

/**
 * What the API may change besides the fields: tags by name, and attribute
 * values already checked (a value sets, null clears).
 */
export interface ClientAudienceChanges extends TagNameChanges {
  attributes?: AttributeChanges
}

/**
 * Adds a client to a workspace by hand or over the API (the form has checked
 * the email is free in this workspace), with its tags and attributes. Says whether the address is on the workspace's
 * suppression list, as UpsertClients does for imports: the client is saved
 * all the same, and no mailing reaches it (adding a client never lifts a
 * suppression).
 */
export default class CreateClient {
  static async handle(tenant: Tenant, fields: ClientFields & ClientAudienceChanges) {
    // First: past the tag limit, nothing is created.
    const tags = await resolveClientTagChanges(tenant.id, fields)
    const client = await tenant.related('clients').create({
      email: fields.email,
      fullName: fields.fullName ?? '',
      comment: fields.comment ?? null,
      attributes: applyAttributeChanges({}, fields.attributes ?? {}),
    })
    await writeTagChanges([{ clientId: client.id, ...tags, removeTagIds: [] }])
    await forgetWorkspaceClientCount(tenant)
    const suppressed = await db
      .from('suppressions')
      .where({ tenant_id: tenant.id, email: client.email })
      .select('id')
      .first()
    return { client, suppressed: Boolean(suppressed) }
  }
}
