import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import emitter from '@adonisjs/core/services/emitter'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Client from '#models/client'
import Consent from '#models/consent'
import SignupForm from '#models/signup_form'
import Tenant from '#models/tenant'
import { applyAttributeChanges, checkAttributeValues } from '#audiences/attribute_values'
import { attributeDefinitionsOf } from '#audiences/attribute_definitions'
import { addTagsToClients } from '#audiences/client_tags'
import { affectedRows } from '#services/database/affected_rows'
import { forgetWorkspaceClientCount } from '#services/clients/client_count'
import { sqlTime } from '#services/database/sql_time'

export type ConfirmationOutcome =
  | {
      status: 'confirmed' | 'already_confirmed'
      tenant: Tenant
      /** Null once the form is deleted: its links still confirm. */
      form: SignupForm | null
    }
  | { status: 'not_found' }

/**
 * The second half of a double opt-in: the visitor followed the link of
 * their confirmation mail (its signature and expiry are the caller's to
 * check). Once per consent, even for simultaneous clicks: a later one finds
 * it confirmed and changes nothing.
 *
 * The client (created if it was deleted meanwhile) stops being pending,
 * gets the name and attribute values typed in the form (checked again by
 * the rule book: a value a changed definition now refuses is dropped, the
 * rest applies) and the form's tags. Someone who had unsubscribed is
 * subscribed again, since they asked and confirmed: their unsubscribe date
 * and their `unsubscribed` suppression go, and only that one (a bounce,
 * complaint or manual entry stays, and such addresses were never sent a
 * confirmation mail anyway). `client:subscribed` is announced when the
 * client was not subscribed before.
 */
export default class ConfirmSignup {
  static async handle(consentId: number): Promise<ConfirmationOutcome> {
    const consent = await Consent.find(consentId)
    if (!consent) return { status: 'not_found' }
    const [tenant, form] = await Promise.all([
      Tenant.findOrFail(consent.tenantId),
      consent.signupFormId ? SignupForm.find(consent.signupFormId) : null,
    ])

    const now = DateTime.utc()
    const change = await db.transaction(async (trx) => {
      const claimed = await trx
        .from('consents')
        .where('id', consent.id)
        .whereNull('confirmed_at')
        .update({ confirmed_at: sqlTime(now) })
      if (affectedRows(claimed) === 0) return null
      return subscribe(consent, form, trx)
    })
    if (!change) return { status: 'already_confirmed', tenant, form }

    if (change.created) await forgetWorkspaceClientCount(tenant)
    if (!change.wasSubscribed) {
      await emitter.emit('client:subscribed', {
        client: change.client,
        subscribedAt: now,
        signupFormId: form?.id ?? null,
        consentId: consent.id,
      })
    }
    return { status: 'confirmed', tenant, form }
  }
}

async function subscribe(
  consent: Consent,
  form: SignupForm | null,
  trx: TransactionClientContract
) {
  const address = { tenant_id: consent.tenantId, email: consent.email }
  // Created now if it was deleted since the sign-up (or by another click).
  const inserted = await trx
    .knexQuery()
    .table('clients')
    .insert({
      ...address,
      full_name: '',
      attributes: '{}',
      created_at: sqlTime(),
      updated_at: sqlTime(),
    })
    .onConflict(['tenant_id', 'email'])
    .ignore()
    .returning('id')
  const client = await Client.query({ client: trx }).where(address).firstOrFail()
  const wasSubscribed = inserted.length === 0 && client.state === 'subscribed'

  const { fullName, attributes = {} } = consent.submitted
  if (fullName) client.fullName = fullName
  const definitions = await attributeDefinitionsOf(consent.tenantId, trx)
  const { changes } = checkAttributeValues(definitions, attributes)
  client.attributes = applyAttributeChanges(client.attributes, changes)
  client.pendingAt = null
  client.unsubscribedAt = null
  await client.save()

  await trx
    .from('suppressions')
    .where({ ...address, reason: 'unsubscribed' })
    .delete()
  if (form) {
    const tags = await trx
      .from('signup_form_tags')
      .where('signup_form_id', form.id)
      .select('tag_id')
    await addTagsToClients(
      tags.map((row) => Number(row.tag_id)),
      [client.id],
      trx
    )
  }
  await trx.from('consents').where('id', consent.id).update({ client_id: client.id })
  return { client, wasSubscribed, created: inserted.length > 0 }
}
