import type { HttpContext } from '@adonisjs/core/http'
import { actorOf } from '#actions/audit/record_workspace_event'
import WorkspacePolicy from '#policies/workspace_policy'
import { SMTP_TLS_MODES } from '#models/workspace_smtp_server'
import customSmtpConfig, { maxWorkspaceRate } from '#config/custom_smtp'
import FindSmtpServer from '#actions/smtp_servers/find_smtp_server'
import SaveSmtpServer from '#actions/smtp_servers/save_smtp_server'
import RemoveSmtpServer from '#actions/smtp_servers/remove_smtp_server'
import SendSmtpTest, { SmtpTestThrottledError } from '#actions/smtp_servers/send_smtp_test'
import { UnverifiedAddressError } from '#actions/messages/send_test_message'
import { smtpServerValidator } from '#validators/smtp_server'
import { flashMessages } from '#services/http/flash_messages'
import { senderIdentityFor } from '#sending/sender_identity'

/**
 * Settings → SMTP server: the workspace's own server for its mailings,
 * and the button that tests it. When the operator turned the feature off
 * (ALLOW_CUSTOM_SMTP=false) the page says so and changes nothing.
 */
export default class SmtpServerController {
  async edit({ view, bouncer, tenant }: HttpContext) {
    await bouncer.with(WorkspacePolicy).authorize('update', tenant)
    const server = await FindSmtpServer.handle(tenant)
    // Its own server sends only from its own verified domain: the page
    // says whether that holds now (send_batch.ts pauses otherwise).
    const sender = await senderIdentityFor(tenant.id)
    return view.render('pages/settings/smtp', {
      server,
      senderVerified: !sender.viaOperator,
      allowed: customSmtpConfig.enabled,
      tlsModes: SMTP_TLS_MODES,
      maxPoolSize: customSmtpConfig.maxPoolSize,
      maxRate: maxWorkspaceRate(),
      ports: customSmtpConfig.ports,
    })
  }

  async update({ request, response, bouncer, tenant, session, auth }: HttpContext) {
    await bouncer.with(WorkspacePolicy).authorize('update', tenant)
    if (!customSmtpConfig.enabled) {
      session.flash('error', flashMessages.smtpServer.turnedOff)
      return response.redirect().toRoute('settings.smtp.edit')
    }
    const saved = await FindSmtpServer.handle(tenant)
    const data = await request.validateUsing(smtpServerValidator, {
      meta: { hasSavedPassword: Boolean(saved?.password) },
    })
    await SaveSmtpServer.handle(actorOf({ auth, request }), tenant, data)

    session.flash('success', flashMessages.smtpServer.saved)
    return response.redirect().toRoute('settings.smtp.edit')
  }

  async destroy({ response, bouncer, tenant, session, auth, request }: HttpContext) {
    await bouncer.with(WorkspacePolicy).authorize('update', tenant)
    await RemoveSmtpServer.handle(actorOf({ auth, request }), tenant)

    session.flash('success', flashMessages.smtpServer.removed)
    return response.redirect().toRoute('settings.smtp.edit')
  }

  async test({ response, bouncer, tenant, auth, session }: HttpContext) {
    await bouncer.with(WorkspacePolicy).authorize('update', tenant)
    const server = await FindSmtpServer.handle(tenant)
    if (!customSmtpConfig.enabled || !server) {
      const message = customSmtpConfig.enabled
        ? flashMessages.smtpServer.saveFirst
        : flashMessages.smtpServer.turnedOff
      session.flash('error', message)
      return response.redirect().toRoute('settings.smtp.edit')
    }
    try {
      const result = await SendSmtpTest.handle(tenant, auth.getUserOrFail(), server)
      session.flash('smtpTest', result)
    } catch (error) {
      if (!(error instanceof SmtpTestThrottledError || error instanceof UnverifiedAddressError)) {
        throw error
      }
      session.flash('error', error.message)
    }
    return response.redirect().toRoute('settings.smtp.edit')
  }
}
