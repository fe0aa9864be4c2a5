import { BaseMail } from '@adonisjs/mail'
import type SignupForm from '#models/signup_form'
import { CONFIRM_URL_PLACEHOLDER } from '#validators/signup_form'
import { escapeHtml } from '#services/html/escape'

/**
 * The double opt-in mail of a sign-up form: the workspace's subject and
 * words, with `{{ confirm_url }}` replaced by the signed link. Sent as the
 * workspace (its From, Reply-To and DKIM key: `asWorkspace`). The words are
 * the workspace's plain text, never HTML: the HTML version escapes them and
 * makes each placeholder a link.
 */
export default class SignupConfirmationMail extends BaseMail {
  constructor(
    private to: string,
    private form: Pick<SignupForm, 'confirmationSubject' | 'confirmationBody'>,
    private confirmUrl: string
  ) {
    super()
  }

  prepare() {
    // The words between placeholders; the link goes in each gap.
    const parts = this.form.confirmationBody.split(new RegExp(CONFIRM_URL_PLACEHOLDER, 'g'))
    const link = `<a href="${escapeHtml(this.confirmUrl)}">${escapeHtml(this.confirmUrl)}</a>`
    const html = parts.map((part) => escapeHtml(part).replace(/\r?\n/g, '<br>\n')).join(link)

    this.message
      .to(this.to)
      .subject(this.form.confirmationSubject)
      .text(parts.join(this.confirmUrl))
      .html(
        '<!DOCTYPE html>\n<html><body style="font-family: -apple-system, Segoe UI, Roboto, sans-serif; color: #212529; line-height: 1.5;">\n' +
          `<p>${html}</p>\n</body></html>`
      )
  }
}
