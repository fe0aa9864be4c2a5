import { test } from '@japa/runner'
import hash from '@adonisjs/core/services/hash'
import { createUser, STRONG_PASSWORD } from '#tests/helpers/users'
import { putForm } from '#tests/helpers/forms'

test.group('Settings: profile and password', () => {
  test('updates the name', async ({ client, assert }) => {
    const { user } = await createUser()
    const response = await putForm(client, '/settings/profile', {
      fullName: 'Grace Hopper',
    }).loginAs(user)

    response.assertFlashMessage('success', 'Your profile is saved.')
    await user.refresh()
    assert.equal(user.fullName, 'Grace Hopper')
  })

  test('changes the password only with the current one', async ({ client, assert }) => {
    const { user } = await createUser()
    const wrong = await putForm(client, '/settings/password', {
      currentPassword: 'not-my-password',
      password: 'cobalt-meadow-28-falcon',
      passwordConfirmation: 'cobalt-meadow-28-falcon',
    }).loginAs(user)
    wrong.assertFlashMessage('inputErrorsBag', {
      currentPassword: ['Your current password is not correct'],
    })

    const right = await putForm(client, '/settings/password', {
      currentPassword: STRONG_PASSWORD,
      password: 'cobalt-meadow-28-falcon',
      passwordConfirmation: 'cobalt-meadow-28-falcon',
    }).loginAs(user)
    right.assertFlashMessage(
      'success',
      'Your password has been changed. You are logged out everywhere else.'
    )
    await user.refresh()
    assert.isTrue(await hash.verify(user.password, 'cobalt-meadow-28-falcon'))
  })
})
