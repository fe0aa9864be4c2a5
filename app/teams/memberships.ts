import Membership from '#models/membership'
import { isRecordId } from '#validators/rules/record_id'

/**
 * The current workspace is kept in the session (a tab's choice of workspace
 * follows the person, like their log-in), and a link that must open in a
 * given workspace (a mail, a link pasted to a colleague) says so with
 * `?workspace=<id>`: the tenant middleware switches to it when the person
 * is a member, and answers 404 when they are not.
 */
export const WORKSPACE_SESSION_KEY = 'workspace_id'
export const WORKSPACE_QUERY_PARAM = 'workspace'
/**
 * The hidden field every form of a workspace page carries (the tenant
 * middleware adds it to `csrfField()`): a form left open in a tab from
 * before a switch in another tab is refused instead of landing in the
 * other workspace.
 */
export const WORKSPACE_FORM_FIELD = '_workspace'

/**
 * A workspace id as a query string or form gives it, or null if it cannot
 * be one.
 */
export function workspaceIdFrom(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d{1,10}$/.test(value)) return null
  const id = Number(value)
  return isRecordId(id) ? id : null
}

/**
 * The user's membership of a workspace, with the workspace; null when they
 * are not a member (never was, left, or was removed).
 */
export function membershipOf(userId: number, tenantId: number) {
  return Membership.query()
    .where('userId', userId)
    .where('tenantId', tenantId)
    .preload('tenant')
    .first()
}

/**
 * Where a person lands when their workspace is gone or they left it: the
 * workspace they joined first.
 */
export function firstMembershipOf(userId: number) {
  return Membership.query().where('userId', userId).orderBy('id').preload('tenant').first()
}

/**
 * The switcher's list: every workspace of the user, by name.
 */
export async function workspacesOf(userId: number) {
  const memberships = await Membership.query()
    .where('memberships.user_id', userId)
    .join('tenants', 'tenants.id', 'memberships.tenant_id')
    .orderBy('tenants.name')
    .orderBy('tenants.id')
    .select('memberships.*', 'tenants.name as tenant_name')
  return memberships.map((membership) => ({
    id: membership.tenantId,
    name: membership.$extras.tenant_name as string,
    role: membership.role,
  }))
}
