import type Mailing from '#models/mailing'
import type Tenant from '#models/tenant'
import { countWorkspaceClients, mailableClients } from '#services/clients/client_count'

/**
 * What the mailing form offers: the workspace's messages to choose from
 * (last changed first), how many clients "all clients" means today (not
 * the pending ones), its
 * tags and segments for the other audiences, and the clients or tags
 * chosen so far when an edited mailing goes to selected ones or tags.
 */
export default class LoadMailingForm {
  static async handle(tenant: Tenant, mailing?: Mailing) {
    const messages = await tenant
      .related('messages')
      .query()
      .select('id', 'subject')
      .orderBy('updated_at', 'desc')
    const clientsCount = mailableClients(await countWorkspaceClients(tenant))
    const selectedClients =
      mailing?.audience === 'selected'
        ? await mailing
            .related('recipients')
            .query()
            .select('id', 'email', 'full_name')
            .orderBy('email')
        : []
    const tags = await tenant.related('tags').query().select('id', 'name').orderBy('name_key')
    const segments = await tenant.related('segments').query().select('id', 'name').orderBy('name')
    const selectedTags =
      mailing?.audience === 'tags' ? await mailing.related('tags').query().select('id') : []
    return {
      messages,
      clientsCount,
      selectedClients,
      tags,
      segments,
      selectedTagIds: selectedTags.map((tag) => tag.id),
      timeZone: tenant.timeZone,
    }
  }
}
