/**
 * A member's role in one workspace, weakest first. Each role may do what
 * the ones before it may:
 * - viewer: reads everything, statistics and exports; changes nothing;
 * - editor: clients, messages, mailings, tags, segments, forms, suppressions;
 * - admin: members (except owners), invitations, settings, sending, API
 *   tokens of every member, webhooks, the audit log;
 * - owner: owners too, transfers ownership, deletes the workspace.
 * These are independent of the staff roles on `users.role`.
 */
export const WORKSPACE_ROLES = ['viewer', 'editor', 'admin', 'owner'] as const
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number]

export function isWorkspaceRole(value: unknown): value is WorkspaceRole {
  return typeof value === 'string' && (WORKSPACE_ROLES as readonly string[]).includes(value)
}

/**
 * Whether `role` may do what `least` may.
 */
export function roleAtLeast(role: WorkspaceRole | null | undefined, least: WorkspaceRole) {
  if (!role) return false
  return WORKSPACE_ROLES.indexOf(role) >= WORKSPACE_ROLES.indexOf(least)
}
