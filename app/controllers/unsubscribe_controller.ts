import type { HttpContext } from '@adonisjs/core/http'
import UnsubscribeClient from '#actions/clients/unsubscribe_client'
import { answerForLink, maskEmail } from '#services/http/recipient_pages'

/**
 * The POST of the link in every message, for the people our users write to
 * (not our users): no log-in, no cookies needed. It unsubscribes from
 * everything: it is what mail programs send for their one-click
 * "Unsubscribe" button (RFC 8058), which is why this route is exempt from
 * CSRF checks (config/shield.ts), and what the preference page's
 * "Unsubscribe from everything" button posts. GET shows the preference
 * page (PreferencesController), because mail scanners open links.
 */
export default class UnsubscribeController {
  async store({ params, response, view }: HttpContext) {
    return answerForLink(params.token, { response, view }, async ({ tenant, client }) => {
      await UnsubscribeClient.handle(client)
      return view.render('pages/unsubscribe/done', {
        token: params.token,
        workspaceName: tenant.name,
        maskedEmail: maskEmail(client.email),
      })
    })
  }
}
