import type Tenant from '#models/tenant'

/**
 * An admin renames the workspace, moves it to another time zone, or
 * requires its members to use two-factor log-in (members without it are
 * sent to set it up on their next request: app/two_factor/workspace_requirement.ts).
 */
export default class UpdateWorkspace {
  static async handle(
    tenant: Tenant,
    {
      name,
      timeZone,
      requireTwoFactor,
    }: { name: string; timeZone: string; requireTwoFactor: boolean }
  ) {
    tenant.merge({ name, timeZone, requireTwoFactor })
    await tenant.save()
  }
}
