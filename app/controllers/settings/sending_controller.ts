import type { HttpContext } from '@adonisjs/core/http'
import { actorOf } from '#actions/audit/record_workspace_event'
import { errors as vineErrors } from '@vinejs/vine'
import WorkspacePolicy from '#policies/workspace_policy'
import SendingDomainPolicy from '#policies/sending_domain_policy'
import UpdateSenderIdentity from '#actions/workspaces/update_sender_identity'
import AddSendingDomain, {
  SendingDomainLimitError,
  SendingDomainTakenError,
} from '#actions/sending_domains/add_sending_domain'
import ListSendingDomains from '#actions/sending_domains/list_sending_domains'
import CheckSendingDomain from '#actions/sending_domains/check_sending_domain'
import DeleteSendingDomain from '#actions/sending_domains/delete_sending_domain'
import {
  consumeDomainAction,
  DomainActionThrottledError,
} from '#services/sending_domains/action_limits'
import { addressDomain, senderIdentityOf } from '#sending/sender_identity'
import { domainRecords } from '#services/sending_domains/domain_records'
import { senderIdentityValidator, sendingDomainValidator } from '#validators/sending'
import { flashMessages } from '#services/http/flash_messages'
import sendingDomainsConfig from '#config/sending_domains'

/**
 * Settings → Sending: who the workspace's mail is from, and the domains it
 * proves it may send as.
 */
export default class SendingController {
  async show({ view, bouncer, tenant }: HttpContext) {
    await bouncer.with(WorkspacePolicy).authorize('update', tenant)
    const domains = await ListSendingDomains.handle(tenant)
    const fromDomain = tenant.senderEmail ? addressDomain(tenant.senderEmail) : null
    const fromDomainRow = domains.find((row) => row.domain === fromDomain) ?? null
    return view.render('pages/settings/sending', {
      identity: senderIdentityOf(tenant, fromDomainRow?.isVerified ? fromDomainRow : null),
      fromDomain,
      fromDomainRow,
      domains: domains.map((domain) => ({ domain, records: domainRecords(domain) })),
      maxDomains: sendingDomainsConfig.maxPerWorkspace,
    })
  }

  async update({ request, response, bouncer, tenant, session, auth }: HttpContext) {
    await bouncer.with(WorkspacePolicy).authorize('update', tenant)
    const fields = await request.validateUsing(senderIdentityValidator)
    await UpdateSenderIdentity.handle(actorOf({ auth, request }), tenant, {
      senderName: fields.senderName ?? null,
      senderEmail: fields.senderEmail ?? null,
      replyTo: fields.replyTo ?? null,
    })

    session.flash('success', flashMessages.sending.identitySaved)
    return response.redirect().toRoute('settings.sending.show')
  }

  async storeDomain({ request, response, bouncer, tenant, session, auth }: HttpContext) {
    await bouncer.with(SendingDomainPolicy).authorize('create')
    const { domain } = await request.validateUsing(sendingDomainValidator)
    try {
      await consumeDomainAction(tenant.id, 'add')
      await AddSendingDomain.handle(actorOf({ auth, request }), tenant, domain)
    } catch (error) {
      // Answered beside the field, as a validation error is.
      if (
        error instanceof SendingDomainLimitError ||
        error instanceof SendingDomainTakenError ||
        error instanceof DomainActionThrottledError
      ) {
        throw new vineErrors.E_VALIDATION_ERROR([
          { field: 'domain', message: error.message, rule: 'sendingDomain' },
        ])
      }
      throw error
    }

    session.flash('success', flashMessages.sending.domainAdded(domain))
    return response.redirect().toRoute('settings.sending.show')
  }

  async check({ response, params, bouncer, tenant, session, auth, request }: HttpContext) {
    const domain = await tenant.findOwn('sendingDomains', params.id)
    await bouncer.with(SendingDomainPolicy).authorize('update', domain)
    try {
      await consumeDomainAction(tenant.id, 'check')
    } catch (error) {
      if (!(error instanceof DomainActionThrottledError)) throw error
      session.flash('error', error.message)
      return response.redirect().toRoute('settings.sending.show')
    }
    const wasVerified = domain.isVerified
    await CheckSendingDomain.handle(actorOf({ auth, request }), domain)

    session.flash(
      domain.isVerified ? 'success' : 'error',
      domain.isVerified
        ? flashMessages.sending.domainVerified(domain.domain)
        : wasVerified
          ? flashMessages.sending.domainLost(domain.domain)
          : flashMessages.sending.domainNotYet(domain.domain)
    )
    return response.redirect().toRoute('settings.sending.show')
  }

  async destroyDomain({ response, params, bouncer, tenant, session, auth, request }: HttpContext) {
    const domain = await tenant.findOwn('sendingDomains', params.id)
    await bouncer.with(SendingDomainPolicy).authorize('delete', domain)
    await DeleteSendingDomain.handle(actorOf({ auth, request }), domain)

    session.flash('success', flashMessages.sending.domainRemoved(domain.domain))
    return response.redirect().toRoute('settings.sending.show')
  }
}
