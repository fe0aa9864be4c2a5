/*
|--------------------------------------------------------------------------
| Routes
|--------------------------------------------------------------------------
|
| Every route is named; controllers are imported lazily.
|
*/

import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const HomeController = () => import('#controllers/home_controller')
const SignUpController = () => import('#controllers/auth/sign_up_controller')
const SessionsController = () => import('#controllers/auth/sessions_controller')
const EmailVerificationsController = () =>
  import('#controllers/auth/email_verifications_controller')
const PasswordResetsController = () => import('#controllers/auth/password_resets_controller')
const DashboardController = () => import('#controllers/dashboard_controller')
const ProfileController = () => import('#controllers/settings/profile_controller')
const ActiveSessionsController = () => import('#controllers/settings/active_sessions_controller')
const ClientsController = () => import('#controllers/clients_controller')
const SuppressionsController = () => import('#controllers/suppressions_controller')
const ClientImportsController = () => import('#controllers/client_imports_controller')
const MessagesController = () => import('#controllers/messages_controller')
const MailingsController = () => import('#controllers/mailings_controller')
const WorkspaceSettingsController = () => import('#controllers/settings/workspace_controller')
const MailingStatsController = () => import('#controllers/mailing_stats_controller')
const ReportsController = () => import('#controllers/reports_controller')
const UnsubscribeController = () => import('#controllers/unsubscribe_controller')
const TestSendsController = () => import('#controllers/test_sends_controller')
const SmtpServerController = () => import('#controllers/settings/smtp_server_controller')
const WorkspacesController = () => import('#controllers/workspaces_controller')
const SettingsHomeController = () => import('#controllers/settings/settings_home_controller')
const TwoFactorChallengesController = () =>
  import('#controllers/auth/two_factor_challenges_controller')
const SecurityController = () => import('#controllers/settings/security_controller')
const AuditLogController = () => import('#controllers/settings/audit_log_controller')

router.get('/', [HomeController, 'show']).as('home').use(middleware.httpCache())

/*
| Accounts
*/
router
  .group(() => {
    router.get('/signup', [SignUpController, 'create']).as('sign_up.create')
    router.post('/signup', [SignUpController, 'store']).as('sign_up.store')
    router.get('/login', [SessionsController, 'create']).as('session.create')
    router.post('/login', [SessionsController, 'store']).as('session.store')
    // The second step of a log-in with two-factor on (not logged in yet).
    router
      .get('/login/two-factor', [TwoFactorChallengesController, 'create'])
      .as('session.two_factor.create')
    router
      .post('/login/two-factor', [TwoFactorChallengesController, 'store'])
      .as('session.two_factor.store')
  })
  .use(middleware.guest())

router.post('/logout', [SessionsController, 'destroy']).as('session.destroy').use(middleware.auth())

router
  .get('/verify-email/:id/:digest', [EmailVerificationsController, 'verify'])
  .where('id', router.matchers.number())
  .as('email_verification.verify')
router
  .post('/verify-email/resend', [EmailVerificationsController, 'resend'])
  .as('email_verification.resend')
  .use(middleware.auth())

router.get('/forgot-password', [PasswordResetsController, 'create']).as('password_reset.create')
router.post('/forgot-password', [PasswordResetsController, 'store']).as('password_reset.store')
router.get('/reset-password/:token', [PasswordResetsController, 'edit']).as('password_reset.edit')
router
  .post('/reset-password/:token', [PasswordResetsController, 'update'])
  .as('password_reset.update')

/*
| Unsubscribe links in sent messages: public, no log-in. The POST is also
| the RFC 8058 one-click target mail programs call without cookies, so it
| is exempt from CSRF (config/shield.ts). The GET is the preference page
| (start/routes/preferences.ts).
*/
router.post('/u/:token', [UnsubscribeController, 'store']).as('unsubscribe.store')

/*
| Starting a workspace (the switcher's "New workspace"; where a person
| without any lands): signed in, but in no workspace yet.
*/
router
  .group(() => {
    router.get('/workspaces/new', [WorkspacesController, 'create']).as('workspaces.create')
    router.post('/workspaces', [WorkspacesController, 'store']).as('workspaces.store')
  })
  .use(middleware.auth())

/*
| The person's own account (profile, password, sessions, two-factor): in no
| workspace at all too, and open where a workspace requires two-factor of its
| members, since that is where they turn it on (the tenant middleware's
| `optional` mode).
*/
router
  .group(() => {
    router.get('/settings/profile', [ProfileController, 'edit']).as('settings.profile.edit')
    router.put('/settings/profile', [ProfileController, 'update']).as('settings.profile.update')
    router
      .put('/settings/password', [ProfileController, 'updatePassword'])
      .as('settings.password.update')
    router
      .get('/settings/sessions', [ActiveSessionsController, 'index'])
      .as('settings.sessions.index')
    router
      .post('/settings/sessions/others/log-out', [ActiveSessionsController, 'destroyOthers'])
      .as('settings.sessions.destroy_others')
    router
      .post('/settings/sessions/:handle/log-out', [ActiveSessionsController, 'destroy'])
      .where('handle', /^[a-f0-9]{24}$/)
      .as('settings.sessions.destroy')
    router.get('/settings/security', [SecurityController, 'show']).as('settings.security.show')
    router
      .post('/settings/security/two-factor', [SecurityController, 'start'])
      .as('settings.security.start')
    router
      .post('/settings/security/two-factor/confirm', [SecurityController, 'confirm'])
      .as('settings.security.confirm')
    router
      .delete('/settings/security/two-factor', [SecurityController, 'destroy'])
      .as('settings.security.destroy')
    router
      .post('/settings/security/recovery-codes', [SecurityController, 'regenerateRecoveryCodes'])
      .as('settings.security.recovery_codes')
    router
      .delete('/settings/security/devices/:id', [SecurityController, 'destroyDevice'])
      .where('id', router.matchers.number())
      .as('settings.security.devices.destroy')
  })
  .use([middleware.auth(), middleware.tenant({ optional: true })])

/*
| The workspace
*/
router
  .group(() => {
    router.get('/dashboard', [DashboardController, 'show']).as('dashboard')

    // Clients (CSV routes before the resource so "import" is not read as an id)
    router.get('/clients/import', [ClientImportsController, 'create']).as('clients.import.create')
    router.post('/clients/import', [ClientImportsController, 'store']).as('clients.import.store')
    router.get('/clients/export', [ClientImportsController, 'export']).as('clients.export')
    router
      .post('/clients/bulk-delete', [ClientsController, 'bulkDestroy'])
      .as('clients.bulk_destroy')
    router.get('/clients/search', [ClientsController, 'search']).as('clients.search')
    router
      .group(() => {
        router.get('/clients/suppressions', [SuppressionsController, 'index']).as('index')
        router.post('/clients/suppressions', [SuppressionsController, 'store']).as('store')
        router.get('/clients/suppressions/export', [SuppressionsController, 'export']).as('export')
        router
          .delete('/clients/suppressions/:id', [SuppressionsController, 'destroy'])
          .where('id', router.matchers.number())
          .as('destroy')
      })
      .as('suppressions')
    router
      .resource('clients', ClientsController)
      .except(['show'])
      .where('id', router.matchers.number())

    // Messages
    router
      .post('/messages/:id/duplicate', [MessagesController, 'duplicate'])
      .as('messages.duplicate')
    router.get('/messages/:id/preview', [MessagesController, 'preview']).as('messages.preview')
    router
      .post('/messages/:id/test-send', [TestSendsController, 'message'])
      .where('id', router.matchers.number())
      .as('messages.test_send')
    router.resource('messages', MessagesController).where('id', router.matchers.number())

    // Mailings
    router.post('/mailings/:id/pause', [MailingsController, 'pause']).as('mailings.pause')
    router.post('/mailings/:id/resume', [MailingsController, 'resume']).as('mailings.resume')
    router
      .post('/mailings/:id/test-send', [TestSendsController, 'mailing'])
      .where('id', router.matchers.number())
      .as('mailings.test_send')
    router.resource('mailings', MailingsController).where('id', router.matchers.number())

    // Statistics: a mailing's numbers (polled by its page), its delivery log, the report
    router
      .get('/mailings/:id/stats', [MailingStatsController, 'show'])
      .where('id', router.matchers.number())
      .as('mailings.stats')
    router
      .get('/mailings/:id/deliveries', [MailingStatsController, 'deliveries'])
      .where('id', router.matchers.number())
      .as('mailings.deliveries')
    router
      .get('/mailings/:id/deliveries/export', [MailingStatsController, 'export'])
      .where('id', router.matchers.number())
      .as('mailings.deliveries.export')
    router.get('/reports', [ReportsController, 'show']).as('reports.show')

    // The top bar's "Settings": the first of its pages the member's role opens.
    router.get('/settings', [SettingsHomeController, 'show']).as('settings')
    router
      .get('/settings/workspace', [WorkspaceSettingsController, 'edit'])
      .as('settings.workspace.edit')
    router
      .put('/settings/workspace', [WorkspaceSettingsController, 'update'])
      .as('settings.workspace.update')
    router
      .delete('/settings/workspace', [WorkspaceSettingsController, 'destroy'])
      .as('settings.workspace.destroy')
    // The workspace's own SMTP server (its "Send a test" opens a connection)
    router.get('/settings/smtp', [SmtpServerController, 'edit']).as('settings.smtp.edit')
    router.put('/settings/smtp', [SmtpServerController, 'update']).as('settings.smtp.update')
    router.delete('/settings/smtp', [SmtpServerController, 'destroy']).as('settings.smtp.destroy')
    router.post('/settings/smtp/test', [SmtpServerController, 'test']).as('settings.smtp.test')
    // Who changed what in the workspace (owners and admins), and its CSV
    router.get('/settings/audit-log', [AuditLogController, 'index']).as('settings.audit_log.index')
    router
      .get('/settings/audit-log/export', [AuditLogController, 'export'])
      .as('settings.audit_log.export')
  })
  .use([middleware.auth(), middleware.tenant()])

/*
| Areas with routes of their own
*/
await import('#start/routes/admin')
await import('#start/routes/public')
await import('#start/routes/api')
await import('#start/routes/webhooks')
await import('#start/routes/sending')
await import('#start/routes/bounce_webhooks')
await import('#start/routes/tags')
await import('#start/routes/attributes')
await import('#start/routes/segments')
await import('#start/routes/signup_forms')
await import('#start/routes/preferences')
await import('#start/routes/teams')
