import type SignupForm from '#models/signup_form'
import { newSignupFormToken } from '#audiences/signup_links'

/**
 * Gives a form a new public address, for a form whose address is being
 * abused: the old page and every snippet pasted with it answer 404 from now
 * on. Confirmation links already mailed still work (they name the consent,
 * not the form's address).
 */
export default class RegenerateSignupFormToken {
  static async handle(form: SignupForm) {
    form.publicToken = newSignupFormToken()
    await form.save()
    return form
  }
}
