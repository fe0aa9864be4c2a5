import type { HttpContext } from '@adonisjs/core/http'
import UpdateClientTopics from '#actions/clients/update_client_topics'
import ResubscribeClient from '#actions/clients/resubscribe_client'
import { preferencePageOf, resubscribeConsentText } from '#audiences/preferences'
import { takePreferenceSave } from '#audiences/preference_limits'
import { preferencesValidator } from '#validators/preferences'
import { answerForLink, maskEmail, type Recipient } from '#services/http/recipient_pages'

/**
 * The preference page: where the link in every message leads. The client
 * sees their (masked) address, ticks the workspace's topics, unsubscribes
 * from everything (a form to the one-click POST, UnsubscribeController) or,
 * after an unsubscribe of their own, resubscribes.
 *
 * Reached from a mail, with no session: the link's token is the only key
 * and what protects the forms, as for the one-click POST, so these routes
 * are sessionless and exempt from CSRF (session_middleware.ts,
 * config/shield.ts). Saves are rate-limited per link and per network.
 */
export default class PreferencesController {
  async show({ params, request, response, view }: HttpContext) {
    return answerForLink(params.token, { response, view }, (recipient) =>
      renderPage(view, params.token, recipient, { notice: request.qs().notice })
    )
  }

  async update({ params, request, response, view }: HttpContext) {
    return answerForLink(params.token, { response, view }, async (recipient) => {
      const refused = await refuseIfTooMany(recipient, { request, response, view }, params.token)
      if (refused) return refused

      const [error, fields] = await preferencesValidator.tryValidate(request.body())
      if (error) {
        // Not something the page's form sends: answered with the page as it is.
        response.status(422)
        return renderPage(view, params.token, recipient, { error: 'unreadable' })
      }
      await UpdateClientTopics.handle(recipient.client, fields.topics ?? [])
      return backToPage(response, params.token, 'saved')
    })
  }

  async resubscribe({ params, request, response, view }: HttpContext) {
    return answerForLink(params.token, { response, view }, async (recipient) => {
      const refused = await refuseIfTooMany(recipient, { request, response, view }, params.token)
      if (refused) return refused

      const outcome = await ResubscribeClient.handle(recipient.client, {
        consentText: resubscribeConsentText(recipient.tenant.name),
        ip: request.ip(),
        userAgent: request.header('user-agent') ?? null,
      })
      if (outcome === 'suppressed') {
        // The page shows no button then; a stale or forged form gets the reason.
        response.status(409)
        return renderPage(view, params.token, recipient, { error: 'suppressed' })
      }
      return backToPage(response, params.token, 'resubscribed')
    })
  }
}

type PageContext = Pick<HttpContext, 'request' | 'response' | 'view'>

/**
 * The page, for the client as they are now, with a word about what just
 * happened (`notice`: a known key read from the query string) or went wrong.
 */
async function renderPage(
  view: HttpContext['view'],
  token: string,
  { tenant, client }: Recipient,
  { notice, error }: { notice?: unknown; error?: 'unreadable' | 'suppressed' | 'rate_limited' }
) {
  return view.render('pages/unsubscribe/show', {
    token,
    workspaceName: tenant.name,
    maskedEmail: maskEmail(client.email),
    ...(await preferencePageOf(tenant, client)),
    notice: notice === 'saved' || notice === 'resubscribed' ? notice : null,
    error: error ?? null,
  })
}

/**
 * A 429 with the page when the link or the network has saved too often.
 */
async function refuseIfTooMany(
  recipient: Recipient,
  { request, response, view }: PageContext,
  token: string
) {
  const wait = await takePreferenceSave(recipient.client, request.ip())
  if (wait === null) return null
  response.status(429)
  response.header('Retry-After', wait)
  return renderPage(view, token, recipient, { error: 'rate_limited' })
}

/**
 * Post/redirect/get: reloading the page does not post the form again. The
 * notice rides in the query string, since there is no session to flash it.
 */
function backToPage(response: HttpContext['response'], token: string, notice: string) {
  response.redirect().status(303).withQs({ notice }).toRoute('preferences.show', { token })
}
