import type Tenant from '#models/tenant'

/**
 * The workspace's sign-up forms, by name: a workspace has a handful.
 */
export default class ListSignupForms {
  static handle(tenant: Tenant) {
    return tenant.related('signupForms').query().orderBy('name').orderBy('id')
  }
}
