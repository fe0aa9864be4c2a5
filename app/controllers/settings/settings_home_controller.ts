import type { HttpContext } from '@adonisjs/core/http'
import WorkspacePolicy from '#policies/workspace_policy'

/**
 * The top bar's "Settings": the workspace's settings for those who may
 * change them (admins and owners), everyone else's own profile, so nobody
 * lands on a page their role refuses.
 */
export default class SettingsHomeController {
  async show({ response, bouncer, tenant }: HttpContext) {
    if (await bouncer.with(WorkspacePolicy).allows('update', tenant)) {
      return response.redirect().toRoute('settings.workspace.edit')
    }
    return response.redirect().toRoute('settings.profile.edit')
  }
}
