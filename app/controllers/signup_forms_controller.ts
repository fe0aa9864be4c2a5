import type { HttpContext } from '@adonisjs/core/http'
import { actorOf } from '#actions/audit/record_workspace_event'
import { errors as vineErrors } from '@vinejs/vine'
import SignupFormPolicy from '#policies/signup_form_policy'
import ListSignupForms from '#actions/signup_forms/list_signup_forms'
import LoadSignupFormEditor from '#actions/signup_forms/load_signup_form_editor'
import CreateSignupForm from '#actions/signup_forms/create_signup_form'
import UpdateSignupForm from '#actions/signup_forms/update_signup_form'
import DeleteSignupForm from '#actions/signup_forms/delete_signup_form'
import RegenerateSignupFormToken from '#actions/signup_forms/regenerate_signup_form_token'
import { TagLimitError } from '#audiences/client_tags'
import { signupFormUrl } from '#audiences/signup_links'
import { newSignupFormDefaults } from '#audiences/signup_forms'
import { signupFormValidator } from '#validators/signup_form'
import { tenantMeta } from '#validators/tenant_meta'
import { flashMessages } from '#services/http/flash_messages'

/**
 * Clients → Sign-up forms: the workspace's public forms (double opt-in),
 * their hosted address and the snippet to paste on another site.
 */
export default class SignupFormsController {
  async index({ view, bouncer, tenant }: HttpContext) {
    await bouncer.with(SignupFormPolicy).authorize('viewList')
    const forms = await ListSignupForms.handle(tenant)
    return view.render('pages/signup_forms/index', { forms, urlOf: signupFormUrl })
  }

  async create({ view, bouncer, tenant }: HttpContext) {
    await bouncer.with(SignupFormPolicy).authorize('create')
    const editor = await LoadSignupFormEditor.handle(tenant)
    return view.render('pages/signup_forms/form', {
      ...editor,
      form: newSignupFormDefaults(tenant),
      editing: false,
    })
  }

  async store({ request, response, bouncer, tenant, session, auth }: HttpContext) {
    await bouncer.with(SignupFormPolicy).authorize('create')
    const data = await request.validateUsing(signupFormValidator, { meta: tenantMeta(tenant) })
    const form = await withinTagLimit(() =>
      CreateSignupForm.handle({ actor: actorOf({ auth, request }), tenant, data })
    )

    session.flash('success', flashMessages.signupForms.created(form.name))
    return response.redirect().toRoute('signup_forms.edit', { id: form.id })
  }

  async edit({ view, params, bouncer, tenant }: HttpContext) {
    const form = await tenant.findOwn('signupForms', params.id)
    await bouncer.with(SignupFormPolicy).authorize('update', form)
    const editor = await LoadSignupFormEditor.handle(tenant, form)
    return view.render('pages/signup_forms/form', { ...editor, form, editing: true })
  }

  async update({ request, response, params, bouncer, tenant, session, auth }: HttpContext) {
    const form = await tenant.findOwn('signupForms', params.id)
    await bouncer.with(SignupFormPolicy).authorize('update', form)
    const data = await request.validateUsing(signupFormValidator, { meta: tenantMeta(tenant) })
    await withinTagLimit(() =>
      UpdateSignupForm.handle({ actor: actorOf({ auth, request }), form, data })
    )

    session.flash('success', flashMessages.signupForms.saved(form.name))
    return response.redirect().toRoute('signup_forms.edit', { id: form.id })
  }

  async destroy({ response, params, bouncer, tenant, session, auth, request }: HttpContext) {
    const form = await tenant.findOwn('signupForms', params.id)
    await bouncer.with(SignupFormPolicy).authorize('delete', form)
    await DeleteSignupForm.handle(actorOf({ auth, request }), form)

    session.flash('success', flashMessages.signupForms.deleted(form.name))
    return response.redirect().toRoute('signup_forms.index')
  }

  async regenerateToken({
    response,
    params,
    bouncer,
    tenant,
    session,
    auth,
    request,
  }: HttpContext) {
    const form = await tenant.findOwn('signupForms', params.id)
    await bouncer.with(SignupFormPolicy).authorize('update', form)
    await RegenerateSignupFormToken.handle(actorOf({ auth, request }), form)

    session.flash('success', flashMessages.signupForms.tokenRegenerated)
    return response.redirect().toRoute('signup_forms.edit', { id: form.id })
  }
}

/**
 * A form whose new tags would pass the workspace's limit is refused beside
 * its tags field, as a validation error is.
 */
async function withinTagLimit<T>(save: () => Promise<T>) {
  try {
    return await save()
  } catch (error) {
    if (!(error instanceof TagLimitError)) throw error
    throw new vineErrors.E_VALIDATION_ERROR([
      { field: 'tags', message: error.message, rule: 'tagLimit' },
    ])
  }
}
