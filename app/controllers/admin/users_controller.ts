import type { HttpContext } from '@adonisjs/core/http'
import { filtersQuery } from '#services/database/list_filters'
import AdminPanelPolicy from '#policies/admin_panel_policy'
import UserPolicy from '#policies/user_policy'
import FindUser from '#actions/users/find_user'
import ListUsers from '#actions/users/list_users'
import LoadUserDetails from '#actions/users/load_user_details'
import BlockUser from '#actions/users/block_user'
import UnblockUser from '#actions/users/unblock_user'
import ChangeUserRole from '#actions/users/change_user_role'
import {
  optionalStaffReasonValidator,
  roleValidator,
  staffReasonValidator,
  staffUserFilterValidator,
} from '#validators/admin'
import { flashMessages } from '#services/http/flash_messages'

/**
 * The users list for managers and admins: blocking and unblocking, and,
 * for admins, roles.
 */
export default class UsersController {
  async index({ view, request, bouncer }: HttpContext) {
    await bouncer.with(AdminPanelPolicy).authorize('viewUsers')
    const filters = await staffUserFilterValidator.validate(request.qs())
    const page = await ListUsers.handle(filters)
    return view.render('pages/admin/users/index', {
      ...page,
      filters,
      query: filtersQuery(filters),
    })
  }

  async show({ view, params, bouncer }: HttpContext) {
    const user = await this.#find(bouncer, params.id)
    return view.render('pages/admin/users/show', { account: await LoadUserDetails.handle(user) })
  }

  async block({ request, response, params, bouncer, auth, session }: HttpContext) {
    const user = await this.#find(bouncer, params.id)
    await bouncer.with(UserPolicy).authorize('block', user)
    const { reason } = await request.validateUsing(staffReasonValidator)
    await BlockUser.handle({ user, actor: auth.getUserOrFail(), reason })

    session.flash('success', flashMessages.staff.userBlocked(user.email))
    return response.redirect().toRoute('admin.users.show', { id: user.id })
  }

  async unblock({ request, response, params, bouncer, auth, session }: HttpContext) {
    const user = await this.#find(bouncer, params.id)
    await bouncer.with(UserPolicy).authorize('unblock', user)
    const { reason } = await request.validateUsing(optionalStaffReasonValidator)
    await UnblockUser.handle({ user, actor: auth.getUserOrFail(), reason })

    session.flash('success', flashMessages.staff.userUnblocked(user.email))
    return response.redirect().toRoute('admin.users.show', { id: user.id })
  }

  async updateRole({ request, response, params, bouncer, auth, session }: HttpContext) {
    const user = await this.#find(bouncer, params.id)
    await bouncer.with(UserPolicy).authorize('changeRole', user)
    const { role } = await request.validateUsing(roleValidator)
    await ChangeUserRole.handle({ user, actor: auth.getUserOrFail(), role })

    session.flash('success', flashMessages.staff.roleChanged(user.email, role))
    return response.redirect().toRoute('admin.users.show', { id: user.id })
  }

  /**
   * Any user, for staff who oversee users; 404 for anyone else, as for a
   * user that does not exist.
   */
  async #find(bouncer: HttpContext['bouncer'], id: number) {
    await bouncer.with(AdminPanelPolicy).authorize('viewUsers')
    const user = await FindUser.handle(id)
    await bouncer.with(UserPolicy).authorize('view', user)
    return user
  }
}
