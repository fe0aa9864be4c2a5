/*
|--------------------------------------------------------------------------
| Bouncer policies
|--------------------------------------------------------------------------
|
| Lazy imports of every policy, by name, for `bouncer.with('Name')` and the
| Edge helpers.
|
*/

export const policies = {
  AccountPolicy: () => import('#policies/account_policy'),
  AdminPanelPolicy: () => import('#policies/admin_panel_policy'),
  ClientPolicy: () => import('#policies/client_policy'),
  SuppressionPolicy: () => import('#policies/suppression_policy'),
  MailingPolicy: () => import('#policies/mailing_policy'),
  MessagePolicy: () => import('#policies/message_policy'),
  PostPolicy: () => import('#policies/post_policy'),
  SegmentPolicy: () => import('#policies/segment_policy'),
  SendingDomainPolicy: () => import('#policies/sending_domain_policy'),
  SignupFormPolicy: () => import('#policies/signup_form_policy'),
  UserPolicy: () => import('#policies/user_policy'),
  WorkspacePolicy: () => import('#policies/workspace_policy'),
  WebhookEndpointPolicy: () => import('#policies/webhook_endpoint_policy'),
  TagPolicy: () => import('#policies/tag_policy'),
  AttributeDefinitionPolicy: () => import('#policies/attribute_definition_policy'),
}
