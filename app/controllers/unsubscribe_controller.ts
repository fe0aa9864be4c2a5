import type { HttpContext } from '@adonisjs/core/http'
import FindUnsubscribeRecipient from '#actions/clients/find_unsubscribe_recipient'
import UnsubscribeClient from '#actions/clients/unsubscribe_client'
import { EXAMPLE_UNSUBSCRIBE_TOKEN } from '#sending/unsubscribe_links'

/**
 * The unsubscribe link of every message, for the people our users write to
 * (not our users): no log-in, no cookies needed. GET asks for confirmation,
 * because mail scanners open links; POST unsubscribes, and is also what
 * mail programs send for their one-click "Unsubscribe" button (RFC 8058),
 * which is why this route is exempt from CSRF checks (config/shield.ts).
 */
export default class UnsubscribeController {
  async show({ params, response, view }: HttpContext) {
    return answerFor(params.token, { response, view }, ({ tenant, client }) =>
      view.render('pages/unsubscribe/show', {
        token: params.token,
        workspaceName: tenant.name,
        maskedEmail: maskEmail(client.email),
        unsubscribedAt: client.unsubscribedAt,
      })
    )
  }

  async store({ params, response, view }: HttpContext) {
    return answerFor(params.token, { response, view }, async ({ tenant, client }) => {
      await UnsubscribeClient.handle(client)
      return view.render('pages/unsubscribe/done', {
        workspaceName: tenant.name,
        maskedEmail: maskEmail(client.email),
      })
    })
  }
}

type Recipient = NonNullable<Awaited<ReturnType<typeof FindUnsubscribeRecipient.handle>>>

/**
 * What both pages do before their own part: never cached, the example
 * link from the message preview answers with the example page, and a
 * token that finds nobody with the invalid-link page.
 */
async function answerFor(
  token: string,
  { response, view }: Pick<HttpContext, 'response' | 'view'>,
  answer: (recipient: Recipient) => Promise<string> | string
) {
  noStore(response)
  if (token === EXAMPLE_UNSUBSCRIBE_TOKEN) return view.render('pages/unsubscribe/example')

  const recipient = await FindUnsubscribeRecipient.handle(token)
  if (!recipient) return notFound(response, view)
  return answer(recipient)
}

/**
 * A page about a link, not a page of the app: a 404 that says what to do.
 */
function notFound(response: HttpContext['response'], view: HttpContext['view']) {
  response.status(404)
  return view.render('pages/unsubscribe/invalid')
}

/**
 * Links are personal and the pages answer what they were asked at that
 * moment: nothing to keep in a cache, and search engines should not list them.
 */
function noStore(response: HttpContext['response']) {
  response.header('Cache-Control', 'no-store')
  response.header('X-Robots-Tag', 'noindex')
  response.header('Referrer-Policy', 'no-referrer')
}

/**
 * Enough of the address for its owner to recognise it, not enough for
 * someone a mail was forwarded to to learn it: "m•••a@example.com".
 */
function maskEmail(email: string) {
  const at = email.lastIndexOf('@')
  if (at < 1) return '•••'
  const local = email.slice(0, at)
  const domain = email.slice(at + 1)
  const shown = local.length > 3 ? `${local[0]}•••${local[local.length - 1]}` : `${local[0]}•••`
  return `${shown}@${domain}`
}
