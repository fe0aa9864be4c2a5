import type Client from '#models/client'
import Tenant from '#models/tenant'
import type { ClientFields } from '#actions/clients/create_client'
import { applyAttributeChanges } from '#audiences/attribute_values'
import { resolveClientTagChanges, writeTagChanges } from '#audiences/tag_changes'
import { forgetWorkspaceClientCount } from '#services/clients/client_count'
import { writeTransaction } from '#services/database/write_transaction'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { announceTakenOver, claimPendingClients } from '#audiences/pending_takeovers'

/**
 * Saves the edit form or the API's `PUT`. Every field is sent, so an
 * emptied one is cleared. With `tagIds` (the form) the client has exactly
 * those tags afterwards; `addTags`/`removeTags` (the API) change only the
 * tags named; attributes change only as told. The client, its attributes
 * and its tags change in one transaction (past the workspace's tag limit,
 * nothing). The unsubscribed state is the recipient's to change, not ours;
 * a pending one (a form's sign-up, not confirmed) ends: the business saving
 * the client vouches for its consent, as when it creates one, and
 * `client.subscribed` (source `workspace`) says so after the commit.
 */
export default class UpdateClient {
  static async handle(actor: Actor, client: Client, fields: ClientFields) {
    const wasPending = await writeTransaction(async (trx) => {
      const named = await resolveClientTagChanges(client.tenantId, fields, trx)
      // Only when the loaded client is pending: the common save costs nothing more.
      const claimed =
        client.pendingAt !== null
          ? await claimPendingClients(trx, client.tenantId, [client.id])
          : []
      client.useTransaction(trx)
      client.merge({
        email: fields.email,
        fullName: fields.fullName ?? '',
        comment: fields.comment ?? null,
        pendingAt: null,
      })
      if (fields.attributes) {
        client.attributes = applyAttributeChanges(client.attributes, fields.attributes)
      }
      await client.save()

      if (fields.tagIds) {
        const untag = trx.from('client_tags').where('client_id', client.id)
        if (fields.tagIds.length > 0) untag.whereNotIn('tag_id', fields.tagIds)
        await untag.delete()
      }
      const addTagIds = [...new Set([...(fields.tagIds ?? []), ...named.addTagIds])]
      await writeTagChanges(
        [{ clientId: client.id, addTagIds, removeTagIds: named.removeTagIds }],
        trx
      )
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: client.tenantId,
          action: 'client.update',
          subject: { type: 'client', id: client.id, label: client.email },
        },
        trx
      )
      return claimed.length > 0
    })
    if (wasPending) {
      await forgetWorkspaceClientCount(await Tenant.findOrFail(client.tenantId))
      await announceTakenOver([client])
    }
    return client
  }
}
