import type Tenant from '#models/tenant'

export interface ClientFields {
  email: string
  fullName?: string
  comment?: string
}

/**
 * Adds a client to a workspace by hand (the form has checked the email is
 * free in this workspace).
 */
export default class CreateClient {
  static async handle(tenant: Tenant, fields: ClientFields) {
    return tenant.related('clients').create({
      email: fields.email,
      fullName: fields.fullName ?? '',
      comment: fields.comment ?? null,
    })
  }
}
