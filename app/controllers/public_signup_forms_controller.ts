import type { HttpContext } from '@adonisjs/core/http'
import FindPublicSignupForm from '#actions/signup_forms/find_public_signup_form'
import FindSignupConfirmation from '#actions/signup_forms/find_signup_confirmation'
import SubmitSignup from '#actions/signup_forms/submit_signup'
import ConfirmSignup from '#actions/signup_forms/confirm_signup'
import type SignupForm from '#models/signup_form'
import { checkSignupAnswers, consentSubmission } from '#audiences/signup_forms'
import { confirmationLinkState } from '#audiences/signup_links'
import { takeSubmission } from '#audiences/signup_limits'
import { signupSubmissionValidator } from '#validators/signup_form'
import { noStore } from '#services/http/no_store'

type Found = NonNullable<Awaited<ReturnType<typeof FindPublicSignupForm.handle>>>
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
    // Robots fill the field people never see: they are answered as people
    // are, and nothing is kept or sent.
    if (isFilled(request.input('website'))) return succeeded(found.form, { response, view })

    const input = request.only(['email', 'name', 'attributes'])
    const [error, data] = await signupSubmissionValidator.tryValidate(input)
    const answers = checkSignupAnswers(
      found.asked,
      data?.attributes ?? textRecord(input.attributes)
    )
    const errors: Record<string, string> = {}
    for (const message of error?.messages ?? []) errors[message.field] ??= message.message
    for (const [key, message] of Object.entries(answers.errors)) {
      errors[`attributes.${key}`] ??= message
    }
    if (!data || Object.keys(errors).length > 0) {
      response.status(422)
      return formPage(view, found, enteredValues(input), errors)
    }

    await SubmitSignup.handle({
      form: found.form,
      email: data.email,
      submitted: consentSubmission(found.form.askName ? data.name : null, answers.attributes),
      ip: request.ip(),
      userAgent: request.header('user-agent') ?? null,
    })
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
  { form, asked }: Found,
  values: ReturnType<typeof enteredValues> | Record<string, never>,
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

function isFilled(value: unknown) {
  return typeof value === 'string' ? value.trim() !== '' : value !== undefined && value !== null
}

/**
 * What the visitor typed, as text only, to fill the form in again.
 */
function enteredValues(input: Record<string, unknown>) {
  return {
    email: typeof input.email === 'string' ? input.email : '',
    name: typeof input.name === 'string' ? input.name : '',
    attributes: textRecord(input.attributes),
  }
}

function textRecord(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {}
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string')
  )
}
