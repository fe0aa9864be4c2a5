import type { HttpContext } from '@adonisjs/core/http'
import { actorOf } from '#actions/audit/record_workspace_event'
import { errors as lucidErrors } from '@adonisjs/lucid'
import MessagePolicy from '#policies/message_policy'
import { messageMeta, messageValidator } from '#validators/message'
import { PLACEHOLDERS } from '#sending/message_renderer'
import CreateMessage from '#actions/messages/create_message'
import UpdateMessage from '#actions/messages/update_message'
import DuplicateMessage from '#actions/messages/duplicate_message'
import DeleteMessage from '#actions/messages/delete_message'
import FindMailingsUsing from '#actions/mailings/find_mailings_using'
import PreviewMessage, { EXAMPLE_CLIENT } from '#actions/messages/preview_message'
import ListMessages from '#actions/messages/list_messages'
import ListPreviewClients from '#actions/messages/list_preview_clients'
import { isRecordId } from '#validators/rules/record_id'
import { flashMessages } from '#services/http/flash_messages'
import { pageNumber } from '#services/database/pagination'

/**
 * The preview is the HTML a client would receive, served as its own
 * document inside a sandboxed frame of the message page: no scripts, no
 * plugins, no forms, nothing but inline styles and http(s) images, and only
 * our own pages may frame it.
 */
const PREVIEW_CSP = [
  `default-src 'none'`,
  `img-src http: https:`,
  `style-src 'unsafe-inline'`,
  `base-uri 'none'`,
  `form-action 'none'`,
  `frame-ancestors 'self'`,
  `sandbox allow-popups allow-popups-to-escape-sandbox`,
].join('; ')

export default class MessagesController {
  async index({ request, view, tenant, bouncer }: HttpContext) {
    await bouncer.with(MessagePolicy).authorize('viewList')

    const messages = await ListMessages.handle(tenant, pageNumber(request.input('page')))
    return view.render('pages/messages/index', { messages })
  }

  async create({ view, tenant, bouncer }: HttpContext) {
    await bouncer.with(MessagePolicy).authorize('create')
    const { attributeKeys } = await messageMeta(tenant)
    return view.render('pages/messages/create', {
      placeholders: PLACEHOLDERS,
      attributeKeys: [...attributeKeys],
    })
  }

  async store({ request, response, tenant, bouncer, session, auth }: HttpContext) {
    await bouncer.with(MessagePolicy).authorize('create')
    const input = await request.validateUsing(messageValidator, {
      meta: await messageMeta(tenant),
    })

    const message = await CreateMessage.handle(actorOf({ auth, request }), tenant, input)

    session.flash('success', flashMessages.messages.created)
    return response.redirect().toRoute('messages.show', { id: message.id })
  }

  async show({ params, request, view, tenant, bouncer }: HttpContext) {
    const message = await tenant.findOwn('messages', params.id)
    await bouncer.with(MessagePolicy).authorize('view', message)

    const clientId = clientIdFrom(request.qs())
    const { client, rendered, unknownPlaceholders, attributeKeys } = await PreviewMessage.handle(
      tenant,
      message,
      clientId
    )

    const clientChoices = await ListPreviewClients.handle(tenant, client)

    return view.render('pages/messages/show', {
      message,
      rendered,
      unknownPlaceholders,
      attributeKeys,
      client,
      clientChoices,
      exampleClient: EXAMPLE_CLIENT,
      usedBy: await FindMailingsUsing.handle({ message }),
    })
  }

  async preview({ params, request, response, tenant, bouncer }: HttpContext) {
    const message = await tenant.findOwn('messages', params.id)
    await bouncer.with(MessagePolicy).authorize('view', message)

    const { rendered } = await PreviewMessage.handle(tenant, message, clientIdFrom(request.qs()))

    response.header('Content-Security-Policy', PREVIEW_CSP)
    response.header('X-Frame-Options', 'SAMEORIGIN')
    // Images in the preview must not tell their hosts which page showed them.
    response.header('Referrer-Policy', 'no-referrer')
    response.header('Cache-Control', 'no-store')
    if (rendered.html) {
      response.header('Content-Type', 'text/html; charset=utf-8')
      return rendered.html
    }
    response.header('Content-Type', 'text/plain; charset=utf-8')
    return rendered.text
  }

  async edit({ params, view, tenant, bouncer }: HttpContext) {
    const message = await tenant.findOwn('messages', params.id)
    await bouncer.with(MessagePolicy).authorize('update', message)

    const { attributeKeys } = await messageMeta(tenant)
    return view.render('pages/messages/edit', {
      message,
      placeholders: PLACEHOLDERS,
      attributeKeys: [...attributeKeys],
      usedBy: await FindMailingsUsing.handle({ message }),
    })
  }

  async update({ params, request, response, tenant, bouncer, session, auth }: HttpContext) {
    const message = await tenant.findOwn('messages', params.id)
    await bouncer.with(MessagePolicy).authorize('update', message)
    const input = await request.validateUsing(messageValidator, {
      meta: await messageMeta(tenant),
    })

    await UpdateMessage.handle(actorOf({ auth, request }), message, input)

    session.flash('success', flashMessages.messages.saved)
    return response.redirect().toRoute('messages.show', { id: message.id })
  }

  async duplicate({ params, response, tenant, bouncer, session, auth, request }: HttpContext) {
    const message = await tenant.findOwn('messages', params.id)
    await bouncer.with(MessagePolicy).authorize('view', message)
    await bouncer.with(MessagePolicy).authorize('create')

    const copy = await DuplicateMessage.handle(actorOf({ auth, request }), message)

    session.flash('success', flashMessages.messages.duplicated)
    return response.redirect().toRoute('messages.edit', { id: copy.id })
  }

  async destroy({ params, response, tenant, bouncer, session, auth, request }: HttpContext) {
    const message = await tenant.findOwn('messages', params.id)
    await bouncer.with(MessagePolicy).authorize('delete', message)

    const result = await DeleteMessage.handle(actorOf({ auth, request }), message)
    if (!result.deleted) {
      session.flash('error', flashMessages.messages.notDeleted(result.usedBy))
      return response.redirect().toRoute('messages.show', { id: message.id })
    }

    session.flash('success', flashMessages.messages.deleted(message))
    return response.redirect().toRoute('messages.index')
  }
}

/**
 * The client a preview is for: none (the example client) or a positive id.
 * Anything else is a link nobody could have made: not found, as a client
 * id that does not exist is.
 */
function clientIdFrom(qs: Record<string, unknown>) {
  const raw = qs.clientId
  if (raw === undefined || raw === null || raw === '') return null
  const id = Number(raw)
  if (typeof raw !== 'string' || !isRecordId(id)) {
    throw new lucidErrors.E_ROW_NOT_FOUND()
  }
  return id
}
