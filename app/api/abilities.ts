import type { WorkspaceRole } from '#teams/workspace_roles'

/**
 * What a personal access token may do. Each API route requires one
 * (start/routes/api.ts); the OpenAPI document lists it per operation.
 */
export const TOKEN_ABILITIES = [
  'clients:read',
  'clients:write',
  'suppressions:read',
  'suppressions:write',
  'messages:read',
  'messages:write',
  'mailings:read',
  'mailings:write',
  'webhooks:manage',
] as const

export type TokenAbility = (typeof TOKEN_ABILITIES)[number]

export const TOKEN_ABILITY_DESCRIPTIONS: Record<TokenAbility, string> = {
  'clients:read': 'List, search and read clients',
  'clients:write': 'Create, update, delete and bulk-upsert clients',
  'suppressions:read': 'List the suppression list and look up an address on it',
  'suppressions:write': 'Add addresses to the suppression list and remove them',
  'messages:read': 'List and read messages',
  'messages:write': 'Create, update and delete messages',
  'mailings:read': 'List and read mailings, their statistics and delivery logs',
  'mailings:write': 'Create, update, delete, send, pause and resume mailings',
  'webhooks:manage':
    'Manage webhook endpoints, rotate their secrets, read and redeliver their deliveries',
}

/**
 * The least workspace role a token's member needs for each ability: a token
 * never does more than its member may (an editor's token cannot manage
 * webhooks, a viewer's cannot write), whatever abilities it was given.
 */
export const LEAST_ROLE_FOR_ABILITY: Record<TokenAbility, WorkspaceRole> = {
  'clients:read': 'viewer',
  'clients:write': 'editor',
  'suppressions:read': 'viewer',
  'suppressions:write': 'editor',
  'messages:read': 'viewer',
  'messages:write': 'editor',
  'mailings:read': 'viewer',
  'mailings:write': 'editor',
  'webhooks:manage': 'admin',
}
