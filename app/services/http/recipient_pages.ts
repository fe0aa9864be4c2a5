import type { HttpContext } from '@adonisjs/core/http'
import FindUnsubscribeRecipient from '#actions/clients/find_unsubscribe_recipient'
import { EXAMPLE_UNSUBSCRIBE_TOKEN } from '#sending/unsubscribe_links'
import { noStore } from '#services/http/no_store'

/**
 * What the pages of the link in every message (unsubscribe and preferences)
 * share. They are for the people our users write to, not our users: no
 * log-in, no session, the link's token is the only key.
 */

export type Recipient = NonNullable<Awaited<ReturnType<typeof FindUnsubscribeRecipient.handle>>>

/**
 * What every such page does before its own part: never cached, the example
 * link from the message preview answers with the example page, and a
 * token that finds nobody (garbled, forged, another workspace's client, a
 * deleted one) with the invalid-link page, a 404.
 */
export async function answerForLink(
  token: string,
  { response, view }: Pick<HttpContext, 'response' | 'view'>,
  answer: (recipient: Recipient) => Promise<string | void> | string | void
) {
  noStore(response)
  if (token === EXAMPLE_UNSUBSCRIBE_TOKEN) return view.render('pages/unsubscribe/example')

  const recipient = await FindUnsubscribeRecipient.handle(token)
  if (!recipient) {
    // A page about a link, not a page of the app: a 404 that says what to do.
    response.status(404)
    return view.render('pages/unsubscribe/invalid')
  }
  return answer(recipient)
}

/**
 * Enough of the address for its owner to recognise it, not enough for
 * someone a mail was forwarded to to learn it: "m•••a@example.com".
 */
export function maskEmail(email: string) {
  const at = email.lastIndexOf('@')
  if (at < 1) return '•••'
  const local = email.slice(0, at)
  const domain = email.slice(at + 1)
  const shown = local.length > 3 ? `${local[0]}•••${local[local.length - 1]}` : `${local[0]}•••`
  return `${shown}@${domain}`
}
