import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import emitter from '@adonisjs/core/services/emitter'
import logger from '@adonisjs/core/services/logger'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Client from '#models/client'
import Consent, { storableUserAgent } from '#models/consent'
import SignupForm from '#models/signup_form'
import Tenant from '#models/tenant'
import type { EventsList } from '@adonisjs/core/types'
import { applyAttributeChanges, checkAttributeValues } from '#audiences/attribute_values'
import { attributeDefinitionsOf } from '#audiences/attribute_definitions'
import { addTagsToClients } from '#audiences/client_tags'
import { claimPendingClients } from '#audiences/pending_takeovers'
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

/** The confirming click, kept on the consent beside the sign-up's. */
export interface ConfirmingRequest {
  ip: string
  userAgent: string | null
}

type ClientChanges = EventsList['client:updated']['changes']

/**
 * The second half of a double opt-in: the visitor followed the link of
 * their confirmation mail (its signature and expiry are the caller's to
 * check). Once per consent, even for simultaneous clicks: a later one finds
 * it confirmed and changes nothing. The consent keeps when and from where
 * (IP, browser) it was confirmed.
 *
 * A link confirms as long as its consent exists: a form disabled or deleted
 * since the mail went does not take back a consent given through it (its
 * tags still apply while the form exists; FindSignupConfirmation agrees).
 *
 * The client (created if it was deleted meanwhile) stops being pending,
 * gets the name and attribute values typed in the form (checked again by
 * the rule book: a value a changed definition now refuses is dropped, the
 * rest applies) and the form's tags. Someone who had unsubscribed is
 * subscribed again, since they asked and confirmed: their unsubscribe date
 * and their `unsubscribed` suppression go. An address suppressed for a
 * bounce, a complaint or by hand since the sign-up stays as it is: the
 * consent is confirmed (the record of what the person did) but the client
 * is not touched and nothing is announced; the visitor sees the same page.
 *
 * Announced after the commit: `client:subscribed` when the client was not
 * subscribed before (new, pending, unsubscribed or only suppressed as
 * unsubscribed), else `client:updated` (source `signup_form`) with what the
 * confirmation changed, when anything. A failure there (the cache, a
 * listener) is logged: the confirmation is committed, and the visitor is
 * told so rather than shown an error for a click a retry would call done.
 */
export default class ConfirmSignup {
  static async handle(consentId: number, request: ConfirmingRequest): Promise<ConfirmationOutcome> {
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
        .update({
          confirmed_at: sqlTime(now),
          confirmed_ip: request.ip,
          confirmed_user_agent: storableUserAgent(request.userAgent),
        })
      if (affectedRows(claimed) === 0) return null
      return subscribe(consent, form, trx)
    })
    if (!change) return { status: 'already_confirmed', tenant, form }
    if (change.kind === 'suppressed') return { status: 'confirmed', tenant, form }

    await announce(change, { tenant, form, consent, confirmedAt: now })
    return { status: 'confirmed', tenant, form }
  }
}

type Subscription = Exclude<Awaited<ReturnType<typeof subscribe>>, { kind: 'suppressed' }>

/**
 * What a committed confirmation tells the rest of the app. Never throws.
 */
async function announce(
  change: Subscription,
  context: { tenant: Tenant; form: SignupForm | null; consent: Consent; confirmedAt: DateTime }
) {
  const { tenant, form, consent, confirmedAt } = context
  try {
    // A new or formerly pending client is one more a mailing to all reaches.
    if (change.created || change.kind === 'subscribed') await forgetWorkspaceClientCount(tenant)
    if (change.kind === 'subscribed') {
      await emitter.emit('client:subscribed', {
        client: change.client,
        subscribedAt: confirmedAt,
        source: 'signup_form',
        signupFormId: form?.id ?? null,
        consentId: consent.id,
      })
    } else if (Object.keys(change.changes).length > 0) {
      await emitter.emit('client:updated', {
        client: change.client,
        changes: change.changes,
        source: 'signup_form',
      })
    }
  } catch (error) {
    logger.error(
      { err: error, consentId: consent.id },
      'A confirmed sign-up could not be announced'
    )
  }
}

async function subscribe(
  consent: Consent,
  form: SignupForm | null,
  trx: TransactionClientContract
) {
  const address = { tenant_id: consent.tenantId, email: consent.email }
  const suppression = await trx.from('suppressions').where(address).select('reason').first()
  // Only the person's own unsubscribe is theirs to undo by confirming.
  if (suppression && suppression.reason !== 'unsubscribed') return { kind: 'suppressed' as const }

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
  return confirmClient(trx, consent, form, client, {
    created: inserted.length > 0,
    unsubscribedSuppression: Boolean(suppression),
  })
}

/**
 * Applies the confirmation to the client as read in the transaction. That
 * read takes no lock: the business may take the pending address over
 * (#audiences/pending_takeovers) and commit between it and the save, so
 * whether the client was pending is not taken from it but from the same
 * conditional UPDATE the takeover claims with: whichever clears
 * `pending_at` announces `client.subscribed`, the other sees a subscribed
 * client. Exported for the test of that interleaving.
 */
export async function confirmClient(
  trx: TransactionClientContract,
  consent: Consent,
  form: SignupForm | null,
  client: Client,
  { created, unsubscribedSuppression }: { created: boolean; unsubscribedSuppression: boolean }
) {
  client.useTransaction(trx)
  const claimed = await claimPendingClients(trx, consent.tenantId, [client.id])
  // An `unsubscribed` suppression without an unsubscribe date of the
  // client's own (an address unsubscribed before it was a client) is not
  // subscribed either: confirming brings it back.
  const wasSubscribed =
    !created && claimed.length === 0 && client.unsubscribedAt === null && !unsubscribedSuppression

  const address = { tenant_id: consent.tenantId, email: consent.email }
  const changes: ClientChanges = {}
  const { fullName, attributes = {} } = consent.submitted
  if (fullName && fullName !== client.fullName) {
    changes.full_name = { from: client.fullName, to: fullName }
    client.fullName = fullName
  }
  const definitions = await attributeDefinitionsOf(consent.tenantId, trx)
  const checked = checkAttributeValues(definitions, attributes)
  const before = client.attributes
  client.attributes = applyAttributeChanges(before, checked.changes)
  const changedKeys = Object.keys(checked.changes).filter(
    (key) => before[key] !== client.attributes[key]
  )
  if (changedKeys.length > 0) {
    changes.attributes = Object.fromEntries(
      changedKeys.map((key) => [
        key,
        { from: before[key] ?? null, to: client.attributes[key] ?? null },
      ])
    )
  }
  client.pendingAt = null
  client.unsubscribedAt = null
  await client.save()

  await trx
    .from('suppressions')
    .where({ ...address, reason: 'unsubscribed' })
    .delete()
  if (form) {
    // The form's tags the client does not have yet: what the change adds.
    const added = await trx
      .from('signup_form_tags')
      .join('tags', 'tags.id', 'signup_form_tags.tag_id')
      .where('signup_form_tags.signup_form_id', form.id)
      .whereNotExists((query) =>
        query
          .from('client_tags')
          .whereColumn('client_tags.tag_id', 'signup_form_tags.tag_id')
          .where('client_tags.client_id', client.id)
      )
      .orderBy('tags.name')
      .select('tags.id', 'tags.name')
    await addTagsToClients(
      added.map((row) => Number(row.id)),
      [client.id],
      trx
    )
    if (added.length > 0) changes.tags = { added: added.map((row) => row.name), removed: [] }
  }
  await trx.from('consents').where('id', consent.id).update({ client_id: client.id })
  return {
    kind: wasSubscribed ? ('updated' as const) : ('subscribed' as const),
    client,
    changes,
    created,
  }
}
