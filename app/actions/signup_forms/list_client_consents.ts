import type Client from '#models/client'
import Consent from '#models/consent'

/**
 * The most consent records the client page shows (newest first).
 */
export const CONSENTS_SHOWN = 20

/**
 * The consent records of a client's address in its workspace, newest
 * first, with the name of the form each came through: by address rather
 * than by client, so records made before the client was deleted and added
 * again still show. One query, on (tenant_id, email).
 */
export default class ListClientConsents {
  static async handle(client: Pick<Client, 'tenantId' | 'email'>) {
    const consents = await Consent.query()
      .where('consents.tenant_id', client.tenantId)
      .where('consents.email', client.email)
      .leftJoin('signup_forms', 'signup_forms.id', 'consents.signup_form_id')
      .orderBy('consents.created_at', 'desc')
      .orderBy('consents.id', 'desc')
      .limit(CONSENTS_SHOWN + 1)
      .select('consents.*', 'signup_forms.name as form_name')
    return {
      consents: consents.slice(0, CONSENTS_SHOWN).map((consent) => ({
        consent,
        formName: (consent.$extras.form_name as string | null) ?? null,
      })),
      more: consents.length > CONSENTS_SHOWN,
    }
  }
}
