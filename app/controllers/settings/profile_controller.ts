import type { HttpContext } from '@adonisjs/core/http'
import AccountPolicy from '#policies/account_policy'
import EndSessions from '#actions/auth/end_sessions'
import { changePasswordValidator, updateProfileValidator } from '#validators/settings'
import { flashMessages } from '#services/flash_messages'

export default class ProfileController {
  async edit({ view, auth, bouncer }: HttpContext) {
    await bouncer.with(AccountPolicy).authorize('update', auth.getUserOrFail())
    return view.render('pages/settings/profile')
  }

  async update({ request, response, auth, bouncer, session }: HttpContext) {
    const user = auth.getUserOrFail()
    await bouncer.with(AccountPolicy).authorize('update', user)

    const { fullName } = await request.validateUsing(updateProfileValidator)
    user.fullName = fullName
    await user.save()

    session.flash('success', flashMessages.account.profileSaved)
    return response.redirect().toRoute('settings.profile.edit')
  }

  async updatePassword(ctx: HttpContext) {
    const { request, response, auth, bouncer, session } = ctx
    const user = auth.getUserOrFail()
    await bouncer.with(AccountPolicy).authorize('update', user)

    const { password } = await request.validateUsing(changePasswordValidator, {
      meta: { passwordHash: user.password },
    })
    user.password = password
    await user.save()
    // Whoever else holds a session or a "remember me" cookie is out; this device stays in.
    await EndSessions.handle(user, { keep: ctx })

    session.flash('success', flashMessages.account.passwordChanged)
    return response.redirect().toRoute('settings.profile.edit')
  }
}
