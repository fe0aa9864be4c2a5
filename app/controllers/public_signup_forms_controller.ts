import type { HttpContext } from '@adonisjs/core/http'
import FindPublicSignupForm, {
  type PublicSignupForm,
} from '#actions/signup_forms/find_public_signup_form'
import ReadSignupSubmission, {
  type EnteredValues,
} from '#actions/signup_forms/read_signup_submission'
import FindSignupConfirmation from '#actions/signup_forms/find_signup_confirmation'
import SubmitSignup from '#actions/signup_forms/submit_signup'
import ConfirmSignup from '#actions/signup_forms/confirm_signup'
import type SignupForm from '#models/signup_form'
import { confirmationLinkState } from '#audiences/signup_links'
import { takeSubmission } from '#audiences/signup_limits'
import { noStore } from '#services/http/no_store'

type Page = Pick<HttpContext, 'response' | 'view'>

/**
 * The public side of sign-up forms, for visitors (no log-in): the hosted
 * page, the submissions it and pasted snippets post (cross-site, so exempt
 * from CSRF: config/shield.ts; the honeypot, the rate limits and the double
 * opt-in stand in), and the confirmation link of the mail.
 */
export default class PublicSignupFormsController {
  async show({ params, response, view }: HttpContext) {
    noStore(response)
    const found = await FindPublicSignupForm.handle(params.token)
    if (!found) return notFound({ response, view })
    return formPage(view, found, {}, {})
  }

  /**
   * Whatever happens to a valid address (new, pending, a client,
   * unsubscribed, suppressed, over its mail limit) the answer is the same
   * bytes: the form's success page, or the same redirect. Without Redis
   * (limits, queue) the visitor is asked to come back: a 503
   * (SignupsPausedException).
   */
  async store({ params, request, response, view }: HttpContext) {
    noStore(response)
    const found = await FindPublicSignupForm.handle(params.token)
    if (!found) return notFound({ response, view })

    const wait = await takeSubmission(request.ip())
    if (wait !== null) {
      response.status(429).header('Retry-After', String(wait))
      return view.render('pages/signup_forms/public/too_many', {
        workspaceName: found.form.tenant.name,
        minutes: Math.ceil(wait / 60),
      })
    }
    const submission = await ReadSignupSubmission.handle(
      found,
      request.only(['email', 'name', 'attributes', 'website', 'consent_version'])
    )
    if (submission.kind === 'invalid') {
      response.status(422)
      return formPage(view, found, submission.values, submission.errors)
    }
    if (submission.kind === 'valid') {
      await SubmitSignup.handle({
        form: found.form,
        email: submission.email,
        submitted: submission.submitted,
        consentVersion: submission.consentVersion,
        ip: request.ip(),
        userAgent: request.header('user-agent') ?? null,
      })
    }
    // A robot is answered as a person is.
    return succeeded(found.form, { response, view })
  }

  /**
   * The link of the confirmation mail asks for a click rather than
   * confirming on sight: mail scanners open every link of a message they
   * check, and would confirm sign-ups nobody confirmed.
   */
  async showConfirmation({ params, request, response, view }: HttpContext) {
    noStore(response)
    const state = confirmationLinkState(request)
    const found = state === 'invalid' ? null : await FindSignupConfirmation.handle(params.id)
    if (!found) return invalidLink({ response, view })
    const { consent, tenant, form, canSignUpAgain } = found
    if (consent.confirmedAt) {
      return view.render('pages/signup_forms/public/confirmed', {
        workspaceName: tenant.name,
        alreadyConfirmed: true,
        confirmedText: null,
      })
    }
    if (state === 'expired') {
      return expiredLink({ response, view }, tenant.name, canSignUpAgain ? form : null)
    }
    return view.render('pages/signup_forms/public/confirm', {
      workspaceName: tenant.name,
      title: form?.title ?? null,
      action: request.url(true),
    })
  }

  async confirm({ params, request, response, view }: HttpContext) {
    noStore(response)
    const state = confirmationLinkState(request)
    if (state === 'invalid') return invalidLink({ response, view })
    if (state === 'expired') {
      const found = await FindSignupConfirmation.handle(params.id)
      if (!found) return invalidLink({ response, view })
      const { tenant, form, canSignUpAgain } = found
      return expiredLink({ response, view }, tenant.name, canSignUpAgain ? form : null)
    }

    const outcome = await ConfirmSignup.handle(Number(params.id), {
      ip: request.ip(),
      userAgent: request.header('user-agent') ?? null,
    })
    if (outcome.status === 'not_found') return invalidLink({ response, view })
    return view.render('pages/signup_forms/public/confirmed', {
      workspaceName: outcome.tenant.name,
      alreadyConfirmed: outcome.status === 'already_confirmed',
      confirmedText: outcome.form?.confirmedText ?? null,
    })
  }
}

function formPage(
  view: HttpContext['view'],
  { form, asked }: PublicSignupForm,
  values: EnteredValues | Record<string, never>,
  errors: Record<string, string>
) {
  return view.render('pages/signup_forms/public/show', {
    form,
    workspaceName: form.tenant.name,
    asked,
    values,
    errors,
  })
}

/**
 * The form's own "check your inbox" page, or a 303 to its redirect address.
 */
function succeeded(form: SignupForm, { response, view }: Page) {
  if (form.redirectUrl) return response.redirect().status(303).toPath(form.redirectUrl)
  return view.render('pages/signup_forms/public/submitted', {
    workspaceName: form.tenant.name,
    title: form.title,
    successText: form.successText,
  })
}

function notFound({ response, view }: Page) {
  response.status(404)
  return view.render('pages/signup_forms/public/not_found')
}

function invalidLink({ response, view }: Page) {
  response.status(404)
  return view.render('pages/signup_forms/public/invalid_link')
}

function expiredLink({ response, view }: Page, workspaceName: string, form: SignupForm | null) {
  response.status(410)
  return view.render('pages/signup_forms/public/expired', {
    workspaceName,
    formToken: form?.publicToken ?? null,
  })
}
