import vine, { SimpleMessagesProvider } from '@vinejs/vine'

/**
 * Sentences shown beside form fields and in API problem details.
 */
vine.messagesProvider = new SimpleMessagesProvider(
  {
    'required': 'Please fill in the {{ field }}',
    'string': 'The {{ field }} must be text',
    'email': 'Enter a valid email address',
    'minLength': 'The {{ field }} must be at least {{ min }} characters long',
    'maxLength': 'The {{ field }} must be at most {{ max }} characters long',
    'database.unique': 'This {{ field }} is already taken',
    'email.database.unique': 'An account with this email already exists. Try logging in instead',
    'confirmed': 'The two passwords do not match',
    'enum': 'The {{ field }} must be one of: {{ choices }}',
    'password.confirmed': 'The two passwords do not match',
  },
  {
    fullName: 'name',
    workspaceName: 'workspace name',
    currentPassword: 'current password',
    passwordConfirmation: 'password confirmation',
  }
)
