import type { HttpContext } from '@adonisjs/core/http'
import { actorOf } from '#actions/audit/record_workspace_event'
import MessagePolicy from '#policies/message_policy'
import CreateMessage from '#actions/messages/create_message'
import UpdateMessage from '#actions/messages/update_message'
import DeleteMessage from '#actions/messages/delete_message'
import ListMessagesByKeyset from '#actions/messages/list_messages_by_keyset'
import { apiMessageListValidator, messageMeta, messageValidator } from '#validators/message'
import { apiBody } from '#api/input'
import { ApiProblem } from '#api/problem'
import { problemMessages } from '#api/problem_messages'
import { keysetListOf, keysetRequest } from '#services/database/pagination'
import { serializeMessage } from '#api/serializers/message'

export default class MessagesController {
  /**
   * Newest first, by id (keyset).
   */
  async index({ request, tenant, bouncer }: HttpContext) {
    await bouncer.with(MessagePolicy).authorize('viewList')
    const paging = await request.validateUsing(apiMessageListValidator, { data: request.qs() })
    const page = await ListMessagesByKeyset.handle(tenant, keysetRequest(paging))
    return keysetListOf(page.items.map(serializeMessage), page.nextCursor)
  }

  async store({ request, response, tenant, bouncer, auth }: HttpContext) {
    await bouncer.with(MessagePolicy).authorize('create')
    const data = await request.validateUsing(messageValidator, {
      data: apiBody(request),
      meta: await messageMeta(tenant),
    })
    const message = await CreateMessage.handle(actorOf({ auth, request }), tenant, data)

    response.header('Location', `/api/v1/messages/${message.id}`)
    return response.created(serializeMessage(message))
  }

  async show({ params, tenant, bouncer }: HttpContext) {
    const message = await tenant.findOwn('messages', params.id)
    await bouncer.with(MessagePolicy).authorize('view', message)
    return serializeMessage(message)
  }

  /**
   * Replaces the subject and bodies: a missing HTML body is removed.
   */
  async update({ params, request, tenant, bouncer, auth }: HttpContext) {
    const message = await tenant.findOwn('messages', params.id)
    await bouncer.with(MessagePolicy).authorize('update', message)
    const data = await request.validateUsing(messageValidator, {
      data: apiBody(request),
      meta: await messageMeta(tenant),
    })
    await UpdateMessage.handle(actorOf({ auth, request }), message, data)
    return serializeMessage(message)
  }

  /**
   * A message that a mailing (even a deleted one) sends stays: 409.
   */
  async destroy({ params, response, tenant, bouncer, auth, request }: HttpContext) {
    const message = await tenant.findOwn('messages', params.id)
    await bouncer.with(MessagePolicy).authorize('delete', message)
    const result = await DeleteMessage.handle(actorOf({ auth, request }), message)
    if (!result.deleted) {
      const ids = [...result.usedBy.current, ...result.usedBy.archived].map((m) => m.id)
      throw new ApiProblem('conflict', problemMessages.messages.usedBy(ids))
    }
    return response.noContent()
  }
}
