import {
  webhookDeliverySchema,
  webhookEndpointChangesSchema,
  webhookEndpointInputSchema,
  webhookEndpointSchema,
  webhookEndpointWithSecretSchema,
} from '#api/serializers/webhook'
import { WEBHOOK_DELIVERY_STATUSES } from '#models/webhook_delivery'
import { listSchema, operation, ref } from '#api/openapi/operation'
import type { ApiResource } from '#api/openapi/document'

const tag = 'Webhooks'
const ability = 'webhooks:manage'

const deliveryId = {
  name: 'deliveryId',
  in: 'path',
  required: true,
  description: 'A delivery of this endpoint (a `WebhookDelivery` id).',
  schema: { type: 'integer', minimum: 1 },
}

export const webhooksResource: ApiResource = {
  tag: {
    name: tag,
    description:
      'Endpoints of your other systems that hear about mailing runs, sent and failed messages ' +
      'and unsubscribes, signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, ' +
      '`webhook-signature`), retried on a schedule, each attempt logged.',
  },
  schemas: {
    WebhookEndpoint: webhookEndpointSchema,
    WebhookEndpointWithSecret: webhookEndpointWithSecretSchema,
    WebhookEndpointInput: webhookEndpointInputSchema,
    WebhookEndpointChanges: webhookEndpointChangesSchema,
    WebhookEndpointList: listSchema('WebhookEndpoint'),
    WebhookDelivery: webhookDeliverySchema,
    WebhookDeliveryList: listSchema('WebhookDelivery'),
  },
  paths: {
    '/webhooks': {
      ...operation({
        method: 'get',
        operationId: 'listWebhookEndpoints',
        summary: 'List webhook endpoints, newest first',
        tag,
        ability,
        paged: true,
        responses: {
          200: { description: 'A page of endpoints', schema: ref('WebhookEndpointList') },
        },
      }),
      ...operation({
        method: 'post',
        operationId: 'createWebhookEndpoint',
        summary: 'Add a webhook endpoint',
        description:
          'The answer carries the endpoint’s new signing secret, which reads and lists leave out.',
        tag,
        ability,
        body: ref('WebhookEndpointInput'),
        responses: {
          201: {
            description: 'The new endpoint, with its secret',
            schema: ref('WebhookEndpointWithSecret'),
          },
        },
      }),
    },
    '/webhooks/{id}': {
      ...operation({
        method: 'get',
        operationId: 'getWebhookEndpoint',
        summary: 'Read a webhook endpoint',
        tag,
        ability,
        hasId: true,
        responses: { 200: { description: 'The endpoint', schema: ref('WebhookEndpoint') } },
      }),
      ...operation({
        method: 'patch',
        operationId: 'updateWebhookEndpoint',
        summary: 'Change a webhook endpoint',
        description: 'Only the fields sent change.',
        tag,
        ability,
        hasId: true,
        body: ref('WebhookEndpointChanges'),
        responses: { 200: { description: 'The saved endpoint', schema: ref('WebhookEndpoint') } },
      }),
      ...operation({
        method: 'delete',
        operationId: 'deleteWebhookEndpoint',
        summary: 'Delete a webhook endpoint',
        description: 'Its delivery log goes with it; pending deliveries are never sent.',
        tag,
        ability,
        hasId: true,
        responses: { 204: { description: 'Deleted' } },
      }),
    },
    '/webhooks/{id}/rotate-secret': operation({
      method: 'post',
      operationId: 'rotateWebhookSecret',
      summary: 'Replace an endpoint’s signing secret',
      description:
        'Every attempt from now on, retries of older messages included, is signed with the new ' +
        'secret; signatures made with the old one stop verifying at once.',
      tag,
      ability,
      hasId: true,
      responses: {
        200: {
          description: 'The endpoint, with its new secret',
          schema: ref('WebhookEndpointWithSecret'),
        },
      },
    }),
    '/webhooks/{id}/deliveries': operation({
      method: 'get',
      operationId: 'listWebhookDeliveries',
      summary: 'An endpoint’s delivery log',
      description: 'Newest first, each delivery with every attempt.',
      tag,
      ability,
      hasId: true,
      paged: true,
      parameters: [
        {
          name: 'status',
          in: 'query',
          required: false,
          schema: { type: 'string', enum: [...WEBHOOK_DELIVERY_STATUSES] },
        },
      ],
      responses: {
        200: { description: 'A page of deliveries', schema: ref('WebhookDeliveryList') },
      },
    }),
    '/webhooks/{id}/deliveries/{deliveryId}/redeliver': operation({
      method: 'post',
      operationId: 'redeliverWebhook',
      summary: 'Send a delivery again',
      description:
        'The same message (same `webhook-id`) is sent again with the retry schedule starting ' +
        'over; earlier attempts stay in the log. A delivery still pending answers 409. An ' +
        'endpoint that is disabled receives it once enabled again.',
      tag,
      ability,
      hasId: true,
      parameters: [deliveryId],
      problems: [409],
      responses: {
        202: { description: 'The delivery, pending again', schema: ref('WebhookDelivery') },
      },
    }),
  },
}
