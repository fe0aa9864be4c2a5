import vine from '@vinejs/vine'
import { newPassword } from '#validators/rules/password'
import { fullName } from '#validators/rules/full_name'

const email = () => vine.string().trim().toLowerCase().email().maxLength(254)

export const signUpValidator = vine.compile(
  vine.object({
    fullName: fullName(),
    // No uniqueness check: a taken address must not be told apart (SignUp).
    email: email(),
    workspaceName: vine.string().trim().minLength(2).maxLength(120).optional(),
    password: newPassword().confirmed({ confirmationField: 'passwordConfirmation' }),
    timeZone: vine.string().trim().maxLength(64).optional(),
  })
)

export const logInValidator = vine.compile(
  vine.object({
    email: email(),
    password: vine.string().maxLength(128),
    rememberMe: vine.boolean().optional(),
  })
)

export const forgotPasswordValidator = vine.compile(
  vine.object({
    email: email(),
  })
)

export const resetPasswordValidator = vine.compile(
  vine.object({
    password: newPassword().confirmed({ confirmationField: 'passwordConfirmation' }),
  })
)
