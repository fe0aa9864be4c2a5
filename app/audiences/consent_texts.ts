import { createHash } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import type SignupForm from '#models/signup_form'
import { sqlTime } from '#services/database/sql_time'

/**
 * The consent text a sign-up was shown. A hosted page open in a tab, or a
 * snippet pasted on a site months ago, shows the words of its time; the
 * form may have been edited since. So the page and the snippet carry the
 * version of the text they show (a hidden `consent_version` field), every
 * text a form ever had is kept (`signup_form_consent_texts`), and a
 * sign-up records the text of the version it posted.
 */

/** The hidden field of the hosted page and of the snippet. */
export const CONSENT_VERSION_FIELD = 'consent_version'

const VERSION_PATTERN = /^[0-9a-f]{16}$/

/**
 * A text's version: derived from the words themselves (64 bits of their
 * SHA-256), so the same words are the same version and a version can only
 * name words the form really had.
 */
export function consentTextVersion(text: string) {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16)
}

/**
 * Keeps the form's current consent text among its versions (after creating
 * it or saving its settings, in the same transaction). A text it had before
 * is already there.
 */
export async function rememberConsentText(
  form: Pick<SignupForm, 'id' | 'consentText'>,
  client: QueryClientContract
) {
  await client
    .knexQuery()
    .table('signup_form_consent_texts')
    .insert({
      signup_form_id: form.id,
      version: consentTextVersion(form.consentText),
      text: form.consentText,
      created_at: sqlTime(),
    })
    .onConflict(['signup_form_id', 'version'])
    .ignore()
}

export interface ShownConsentText {
  text: string
  /**
   * Whether `text` is the one the posting page said it showed. False when
   * the post named no version (a snippet pasted before versions existed)
   * or one the form never had (forged, garbled): the form's current text
   * is recorded then, marked as such.
   */
  matched: boolean
}

/**
 * The consent text a post to the form showed, from its `consent_version`
 * field (anything a visitor may send: never an error).
 */
export async function shownConsentText(
  form: Pick<SignupForm, 'id' | 'consentText'>,
  posted: unknown
): Promise<ShownConsentText> {
  const current = { text: form.consentText, matched: true }
  if (typeof posted !== 'string' || !VERSION_PATTERN.test(posted)) {
    return { ...current, matched: false }
  }
  if (posted === consentTextVersion(form.consentText)) return current
  const past = await db
    .from('signup_form_consent_texts')
    .where({ signup_form_id: form.id, version: posted })
    .select('text')
    .first()
  return past ? { text: past.text, matched: true } : { ...current, matched: false }
}
