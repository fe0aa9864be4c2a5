import db from '@adonisjs/lucid/services/db'
import type Tenant from '#models/tenant'
import { forgetWorkspaceClientCount } from '#services/clients/client_count'

export interface ClientFields {
  email: string
  fullName?: string
  comment?: string
}

/**
 * Adds a client to a workspace by hand (the form has checked the email is
 * free in this workspace). Says whether the address is on the workspace's
 * suppression list, as UpsertClients does for imports: the client is saved
 * all the same, and no mailing reaches it (adding a client never lifts a
 * suppression).
 */
export default class CreateClient {
  static async handle(tenant: Tenant, fields: ClientFields) {
    const client = await tenant.related('clients').create({
      email: fields.email,
      fullName: fields.fullName ?? '',
      comment: fields.comment ?? null,
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
