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

    // Mailings
    'messageId.required': 'Choose the message to send',
    'messageId.database.exists': 'Choose one of your messages',
    'clientIds.required': 'Choose at least one client, or send to all clients',
    'clientIds.array.minLength': 'Choose at least one client, or send to all clients',
    'tagIds.required': 'Choose at least one tag',
    'tagIds.array.minLength': 'Choose at least one tag',
    'segmentId.required': 'Choose the segment to send to',
    'segmentId.database.exists': 'Choose one of your segments',
    'startAt.dateTime': 'Enter the start as a date and time',
    'endAt.dateTime': 'Enter the end as a date and time',

    // Clients
    'client.email.unique': 'A client with this email already exists in your workspace',
    'ids.required': 'Select at least one client',
    'ids.array.minLength': 'Select at least one client',
    'ids.array.maxLength': 'Select at most {{ max }} clients at a time',

    // Tags and attributes
    'tagId.required': 'Choose a tag',
    'tagId.number': 'Choose a tag',
    'tagIds.array.maxLength': 'Choose at most {{ max }} tags',
    'choices.required': 'List the choices, one per line',
    'label.regex': 'The label must be one line of text',
    'name.regex': 'The name must be one line of text, without commas or semicolons',

    // Webhook endpoints
    'url.required': 'Enter the URL events are sent to',
    'events.required': 'Choose at least one event',
    'events.array.minLength': 'Choose at least one event',

    // CSV import (field "file")
    'file.required': 'Choose a CSV file to import',
    'file.file': 'Choose a CSV file to import',
    'file.file.size':
      'The file is larger than {{ size }}. Split it into smaller files and import them one after the other.',
    'file.file.extname':
      'Choose a .csv file (a .txt file with comma- or semicolon-separated values works too)',
    'file.empty': 'The file is empty. Choose a CSV file with one client per line.',
    'file.binary':
      'This is not a CSV file (it contains binary data). Save your list as CSV, comma or semicolon separated, and upload that file.',
    'file.utf16':
      'The file is saved as UTF-16 ("Unicode text"). Save it as "CSV UTF-8" and upload it again.',
    'file.encoding':
      'The file is not UTF-8 text (accented letters would be garbled). Save it as "CSV UTF-8" and upload it again.',
    'file.noEmailColumn':
      'The first row looks like a header but has no email column (found: {{ found }}). Name the column of addresses "email".',
    'file.noRows': 'The file has a header row but no clients under it.',

    // Sign-up forms
    'confirmationSubject.regex': 'The subject must be one line',
    'redirectUrl.url': 'Enter a full http:// or https:// address, or leave it empty',

    // Staff: disabling a mailing, blocking a user
    'reason.required': 'Please give the reason: the owner sees it',
    'reason.minLength': 'Please give the reason in a few words: the owner sees it',
    // Blog posts
    'slug.regex': 'Use lower-case letters, digits and single dashes only, e.g. "spring-news"',
    'slug.database.unique': 'Another post already has this slug',
    'cover.file.size': 'The image is larger than {{ size }}. Choose a smaller one.',
    'cover.file.extname': 'Choose a JPEG, PNG, WebP or GIF image',
    'cover.file.notImage':
      'This file is not an image (its content is not JPEG, PNG, WebP or GIF, whatever its name says).',
    'publishedAt.regex': 'Enter the publication time as a date and time',

    // Messages: the placeholders arrive as arguments, ready to show (see
    // app/validators/message.ts)
    'placeholders.unknown': 'Unknown placeholder {{ placeholders }}. Use {{ allowed }}.',
    'placeholders.unknownMany': 'Unknown placeholders {{ placeholders }}. Use {{ allowed }}.',
    'placeholders.syntax': '{{ problem }}',
    'placeholders.startsUrl':
      '{{ placeholders }} cannot start a link or image address: a client could turn it into any link. Put it in the text, or after "https://…" or "mailto:".',
  },
  {
    fullName: 'name',
    messageId: 'message',
    clientIds: 'clients',
    periodicity: 'repeat',
    startAt: 'start',
    endAt: 'end',
    workspaceName: 'workspace name',
    currentPassword: 'current password',
    passwordConfirmation: 'password confirmation',
    bodyText: 'text body',
    bodyHtml: 'HTML body',
    publishedAt: 'publication time',
    consentText: 'consent text',
    successText: 'success text',
    confirmedText: 'confirmed text',
    confirmationSubject: 'confirmation subject',
    confirmationBody: 'confirmation mail',
    redirectUrl: 'redirect address',
  }
)
