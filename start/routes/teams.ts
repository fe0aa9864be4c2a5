/*
| Teams (issue 16): Settings → Members, and the invitation links of the
| mails (public: the invitee may not have an account yet)
*/

import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const MembersController = () => import('#controllers/settings/members_controller')
const InvitationsController = () => import('#controllers/invitations_controller')

router
  .group(() => {
    router.get('/', [MembersController, 'index']).as('settings.members.index')
    router.post('/invitations', [MembersController, 'invite']).as('settings.members.invite')
    router
      .delete('/invitations/:id', [MembersController, 'revoke'])
      .where('id', router.matchers.number())
      .as('settings.members.revoke')
    router.post('/leave', [MembersController, 'leave']).as('settings.members.leave')
    router
      .put('/:id', [MembersController, 'updateRole'])
      .where('id', router.matchers.number())
      .as('settings.members.update')
    router
      .delete('/:id', [MembersController, 'destroy'])
      .where('id', router.matchers.number())
      .as('settings.members.destroy')
    router
      .post('/:id/ownership', [MembersController, 'transfer'])
      .where('id', router.matchers.number())
      .as('settings.members.transfer')
  })
  .prefix('/settings/members')
  .use([middleware.auth(), middleware.tenant()])

// The secret of the link, not an id: only its hash is stored.
router.get('/invitations/:token', [InvitationsController, 'show']).as('invitations.show')
router.post('/invitations/:token', [InvitationsController, 'accept']).as('invitations.accept')
