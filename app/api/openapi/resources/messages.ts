import { messageInputSchema, messageSchema } from '#api/serializers/message'
import { listSchema, operation, ref } from '#api/openapi/operation'
import type { ApiResource } from '#api/openapi/document'

const tag = 'Messages'

export const messagesResource: ApiResource = {
  tag: {
    name: tag,
    description:
      'What is sent: a subject and a text body, optionally HTML, with placeholders rendered ' +
      'per recipient (logic-less, escaped).',
  },
  schemas: {
    Message: messageSchema,
    MessageInput: messageInputSchema,
    MessageList: listSchema('Message'),
  },
  paths: {
    '/messages': {
      ...operation({
        method: 'get',
        operationId: 'listMessages',
        summary: 'List messages, newest first',
        tag,
        ability: 'messages:read',
        paged: true,
        responses: { 200: { description: 'A page of messages', schema: ref('MessageList') } },
      }),
      ...operation({
        method: 'post',
        operationId: 'createMessage',
        summary: 'Create a message',
        description: 'Unknown placeholders and templates that cannot render are refused (422).',
        tag,
        ability: 'messages:write',
        body: ref('MessageInput'),
        responses: { 201: { description: 'The new message', schema: ref('Message') } },
      }),
    },
    '/messages/{id}': {
      ...operation({
        method: 'get',
        operationId: 'getMessage',
        summary: 'Read a message',
        tag,
        ability: 'messages:read',
        hasId: true,
        responses: { 200: { description: 'The message', schema: ref('Message') } },
      }),
      ...operation({
        method: 'put',
        operationId: 'updateMessage',
        summary: 'Replace a message’s subject and bodies',
        description:
          'A missing HTML body is removed. Mailings using it send the new content from now on.',
        tag,
        ability: 'messages:write',
        hasId: true,
        body: ref('MessageInput'),
        responses: { 200: { description: 'The saved message', schema: ref('Message') } },
      }),
      ...operation({
        method: 'delete',
        operationId: 'deleteMessage',
        summary: 'Delete a message',
        description: 'A message that a mailing (even a deleted one) sends cannot be deleted: 409.',
        tag,
        ability: 'messages:write',
        hasId: true,
        problems: [409],
        responses: { 204: { description: 'Deleted' } },
      }),
    },
  },
}
