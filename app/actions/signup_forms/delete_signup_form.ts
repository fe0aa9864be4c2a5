import type SignupForm from '#models/signup_form'

/**
 * Deletes a form: its page and snippet stop answering (404), its links to
 * tags and attributes go with it. Its consents stay, as the record of what
 * people agreed to (their form becomes null), and links already mailed
 * still confirm, without the form's tags.
 */
export default class DeleteSignupForm {
  static async handle(form: SignupForm) {
    await form.delete()
  }
}
