import { CLIENT_STATES } from '#models/client'
import { clientInputSchema, clientSchema, createdClientSchema } from '#api/serializers/client'
import { bulkUpsertResultSchema } from '#api/serializers/bulk_upsert'
import { listSchema, operation, ref } from '#api/openapi/operation'
import type { ApiResource } from '#api/openapi/document'
import apiConfig from '#config/api'

const tag = 'Clients'

export const clientsResource: ApiResource = {
  tag: {
    name: tag,
    description: 'The recipients of the workspace. An email is unique per workspace.',
  },
  schemas: {
    Client: clientSchema,
    CreatedClient: createdClientSchema,
    ClientInput: clientInputSchema,
    ClientList: listSchema('Client'),
    BulkUpsertResult: bulkUpsertResultSchema,
  },
  paths: {
    '/clients': {
      ...operation({
        method: 'get',
        operationId: 'listClients',
        summary: 'List clients, newest first',
        tag,
        ability: 'clients:read',
        paged: true,
        parameters: [
          {
            name: 'q',
            in: 'query',
            required: false,
            description: 'Only clients whose email or name contains this (any case).',
            schema: { type: 'string', maxLength: 254 },
          },
          {
            name: 'tag_id',
            in: 'query',
            required: false,
            description:
              'Only clients with this tag (an id of the workspace’s tags; another answers 404).',
            schema: { type: 'integer', minimum: 1 },
          },
          {
            name: 'segment_id',
            in: 'query',
            required: false,
            description:
              'Only clients this segment matches now (one of the workspace’s segments; another answers 404).',
            schema: { type: 'integer', minimum: 1 },
          },
          {
            name: 'state',
            in: 'query',
            required: false,
            description:
              '`subscribed`, `pending` (signed up, not confirmed yet: never mailed) or `unsubscribed`.',
            schema: { type: 'string', enum: [...CLIENT_STATES] },
          },
        ],
        responses: { 200: { description: 'A page of clients', schema: ref('ClientList') } },
        // `tag_id` or `segment_id` not of the workspace.
        problems: [404],
      }),
      ...operation({
        method: 'post',
        operationId: 'createClient',
        summary: 'Create a client',
        tag,
        ability: 'clients:write',
        body: ref('ClientInput'),
        responses: { 201: { description: 'The new client', schema: ref('CreatedClient') } },
      }),
    },
    '/clients/bulk': operation({
      method: 'post',
      operationId: 'upsertClients',
      summary: `Create or update up to ${apiConfig.bulkMaxItems.toLocaleString('en')} clients by email`,
      description:
        'Each item is checked on its own: valid items are saved (a new email is created, a ' +
        'known one gets the name and comment sent; a missing name or comment keeps what is ' +
        'saved; `add_tags`, `remove_tags` and `attributes` change only what they name; the ' +
        'unsubscribed state never changes), invalid ones are reported with their errors ' +
        '(`attributes.<key>` for a wrong or unknown attribute, `add_tags` when new tags would ' +
        'pass the workspace’s limit). The same email twice: the first item wins. An item that ' +
        'changes nothing is `unchanged` and not written.',
      tag,
      ability: 'clients:write',
      body: {
        type: 'object',
        required: ['clients'],
        properties: {
          clients: {
            type: 'array',
            minItems: 1,
            maxItems: apiConfig.bulkMaxItems,
            items: ref('ClientInput'),
          },
        },
      },
      responses: {
        200: { description: 'A result per item, in order', schema: ref('BulkUpsertResult') },
      },
    }),
    '/clients/{id}': {
      ...operation({
        method: 'get',
        operationId: 'getClient',
        summary: 'Read a client',
        tag,
        ability: 'clients:read',
        hasId: true,
        responses: { 200: { description: 'The client', schema: ref('Client') } },
      }),
      ...operation({
        method: 'put',
        operationId: 'updateClient',
        summary: 'Replace a client’s email, name and comment; change its tags and attributes',
        description:
          'A missing name or comment is cleared. Tags and attributes change only as ' +
          '`add_tags`, `remove_tags` and `attributes` say; the others stay.',
        tag,
        ability: 'clients:write',
        hasId: true,
        body: ref('ClientInput'),
        responses: { 200: { description: 'The saved client', schema: ref('Client') } },
      }),
      ...operation({
        method: 'delete',
        operationId: 'deleteClient',
        summary: 'Delete a client',
        description: 'Past deliveries to the client keep their address.',
        tag,
        ability: 'clients:write',
        hasId: true,
        responses: { 204: { description: 'Deleted' } },
      }),
    },
  },
}
