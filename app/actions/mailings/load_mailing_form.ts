import type Mailing from '#models/mailing'
import type Tenant from '#models/tenant'
import { countWorkspaceClients } from '#services/clients/client_count'

/**
 * What the mailing form offers: the workspace's messages to choose from
 * (last changed first), how many clients "all clients" means today, and
 * the clients chosen so far when an edited mailing goes to selected ones.
 */
export default class LoadMailingForm {
  static async handle(tenant: Tenant, mailing?: Mailing) {
    const messages = await tenant
      .related('messages')
      .query()
      .select('id', 'subject')
      .orderBy('updated_at', 'desc')
    const clientsCount = await countWorkspaceClients(tenant)
    const selectedClients =
      mailing?.audience === 'selected'
        ? await mailing
            .related('recipients')
            .query()
            .select('id', 'email', 'full_name')
            .orderBy('email')
        : []
    return { messages, clientsCount, selectedClients, timeZone: tenant.timeZone }
  }
}
