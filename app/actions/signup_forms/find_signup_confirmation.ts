import Consent from '#models/consent'
import SignupForm from '#models/signup_form'
import Tenant from '#models/tenant'

/**
 * What a confirmation link's page shows before the click: the consent, its
 * workspace and its form (null once deleted). A disabled form is still
 * the form the consent was given through, and its link still confirms
 * (ConfirmSignup); only `canSignUpAgain` is false, since its page is gone
 * (an expired link offers no way back to it). Null when the consent is gone
 * with its workspace.
 */
export default class FindSignupConfirmation {
  static async handle(consentId: number) {
    const consent = await Consent.find(consentId)
    if (!consent) return null
    const [tenant, form] = await Promise.all([
      Tenant.findOrFail(consent.tenantId),
      consent.signupFormId ? SignupForm.find(consent.signupFormId) : null,
    ])
    return { consent, tenant, form, canSignUpAgain: form?.isEnabled ?? false }
  }
}
