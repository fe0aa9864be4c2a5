import { SUPPRESSION_REASONS } from '#models/suppression'
import { suppressionInputSchema, suppressionSchema } from '#api/serializers/suppression'
import { listSchema, operation, ref } from '#api/openapi/operation'
import type { ApiResource } from '#api/openapi/document'

const tag = 'Suppressions'

export const suppressionsResource: ApiResource = {
  tag: {
    name: tag,
    description:
      'The addresses the workspace never mails: unsubscribed, hard-bounced, complained or added ' +
      'by hand. Keyed by address: an entry outlives its client, so deleting and importing a ' +
      'client again does not make it mailable. Runs record their deliveries to these ' +
      'addresses as `skipped` ("Suppressed: hard bounce").',
  },
  schemas: {
    Suppression: suppressionSchema,
    SuppressionInput: suppressionInputSchema,
    SuppressionList: listSchema('Suppression'),
  },
  paths: {
    '/suppressions': {
      ...operation({
        method: 'get',
        operationId: 'listSuppressions',
        summary: 'List suppressed addresses, newest first',
        tag,
        ability: 'suppressions:read',
        paged: true,
        parameters: [
          {
            name: 'email',
            in: 'query',
            required: false,
            description: 'Only this address (any case): is it suppressed, and why?',
            schema: { type: 'string', maxLength: 254 },
          },
          {
            name: 'reason',
            in: 'query',
            required: false,
            description: 'Only entries with this reason.',
            schema: { type: 'string', enum: [...SUPPRESSION_REASONS] },
          },
        ],
        responses: {
          200: { description: 'A page of entries', schema: ref('SuppressionList') },
        },
      }),
      ...operation({
        method: 'post',
        operationId: 'addSuppression',
        summary: 'Suppress an address',
        description:
          'Adds the address with reason `manual`. Idempotent: an address already on the list ' +
          'answers 200 with its entry, unchanged when its reason is stronger.',
        tag,
        ability: 'suppressions:write',
        body: ref('SuppressionInput'),
        responses: {
          201: { description: 'The new entry', schema: ref('Suppression') },
          200: { description: 'The address was already on the list', schema: ref('Suppression') },
        },
      }),
    },
    '/suppressions/{address}': operation({
      method: 'delete',
      operationId: 'removeSuppression',
      summary: 'Let an address be mailed again',
      description:
        'By the address (URL-encoded) or the entry’s id. An `unsubscribed` entry is never ' +
        'removed (409): only the recipient can subscribe again. An entry whose reason is ' +
        '`complaint` is removed only with `?confirm=complaint`, else 409. A bounce, complaint ' +
        'or manual entry of a client who had also unsubscribed becomes their `unsubscribed` ' +
        'entry again (200, with it); otherwise the entry is deleted (204). Either way the ' +
        'address’s soft-bounce streak starts again from zero.',
      tag,
      ability: 'suppressions:write',
      parameters: [
        {
          name: 'address',
          in: 'path',
          required: true,
          description: 'The address, or the entry’s id.',
          schema: { type: 'string', maxLength: 254 },
        },
        {
          name: 'confirm',
          in: 'query',
          required: false,
          description: '`complaint`: yes, mail this address that reported us as spam again.',
          schema: { type: 'string', enum: ['complaint'] },
        },
      ],
      responses: {
        204: { description: 'Removed: the address may be mailed again' },
        200: {
          description: 'The client had unsubscribed: the entry is their unsubscribe again',
          schema: ref('Suppression'),
        },
      },
      problems: [404, 409, 422],
    }),
  },
}
