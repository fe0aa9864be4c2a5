import type { HttpContext } from '@adonisjs/core/http'
import AccountPolicy from '#policies/account_policy'
import UpdateProfile from '#actions/users/update_profile'
import ChangePassword from '#actions/auth/change_password'
import { changePasswordValidator, updateProfileValidator } from '#validators/settings'
import { flashMessages } from '#services/http/flash_messages'

export default class ProfileController {
  async edit({ view, auth, bouncer }: HttpContext) {
    await bouncer.with(AccountPolicy).authorize('update', auth.getUserOrFail())
    return view.render('pages/settings/profile')
  }

  async update({ request, response, auth, bouncer, session }: HttpContext) {
    const user = auth.getUserOrFail()
    await bouncer.with(AccountPolicy).authorize('update', user)

    const { fullName } = await request.validateUsing(updateProfileValidator)
    await UpdateProfile.handle(user, { fullName })

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
    await ChangePassword.handle({ user, password, asking: ctx })

    session.flash('success', flashMessages.account.passwordChanged)
    return response.redirect().toRoute('settings.profile.edit')
  }
}
