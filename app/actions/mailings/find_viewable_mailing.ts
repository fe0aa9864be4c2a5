import type { HttpContext } from '@adonisjs/core/http'
import Mailing from '#models/mailing'
import MailingPolicy from '#policies/mailing_policy'

/**
 * The mailing a page about one mailing (its details, statistics, delivery
 * log) shows. Owners find their workspace's mailings; managers and admins
 * may open any workspace's, read-only (the policy decides what they may do
 * with it). Anyone else gets 404, as for a mailing that does not exist.
 * Its workspace comes with it: every such page shows times in its time zone.
 */
export default class FindViewableMailing {
  static async handle({ bouncer, tenant }: Pick<HttpContext, 'bouncer' | 'tenant'>, id: number) {
    const query = Mailing.query().where('id', id).preload('tenant')
    if (!(await bouncer.with(MailingPolicy).allows('viewAnyWorkspace'))) {
      query.where('tenant_id', tenant.id)
    }
    const mailing = await query.firstOrFail()
    await bouncer.with(MailingPolicy).authorize('view', mailing)
    return mailing
  }
}
