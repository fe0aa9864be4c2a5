import type User from '#models/user'
import type SendingDomain from '#models/sending_domain'
import AppPolicy from '#policies/app_policy'

/**
 * Sending domains are their workspace's alone: they carry its DKIM key.
 */
export default class SendingDomainPolicy extends AppPolicy {
  create(user: User) {
    return this.mayAdminister(user)
  }

  update(user: User, domain: SendingDomain) {
    return this.mayAdminister(user, domain)
  }

  delete(user: User, domain: SendingDomain) {
    return this.mayAdminister(user, domain)
  }
}
