import vine from '@vinejs/vine'
import { newPassword } from '#validators/rules/password'

export const updateProfileValidator = vine.compile(
  vine.object({
    fullName: vine.string().trim().minLength(2).maxLength(120),
  })
)

export const changePasswordValidator = vine.compile(
  vine.object({
    currentPassword: vine.string().maxLength(128),
    password: newPassword().confirmed({ confirmationField: 'passwordConfirmation' }),
  })
)
