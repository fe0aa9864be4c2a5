import type Tenant from '#models/tenant'
import { forgetWorkspaceClientCount } from '#services/clients/client_count'

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
    const client = await tenant.related('clients').create({
      email: fields.email,
      fullName: fields.fullName ?? '',
      comment: fields.comment ?? null,
    })
    await forgetWorkspaceClientCount(tenant)
    return client
  }
}
