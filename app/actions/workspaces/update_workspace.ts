import type Tenant from '#models/tenant'

/**
 * The owner renames their workspace or moves it to another time zone.
 */
export default class UpdateWorkspace {
  static async handle(tenant: Tenant, { name, timeZone }: { name: string; timeZone: string }) {
    tenant.merge({ name, timeZone })
    await tenant.save()
  }
}
