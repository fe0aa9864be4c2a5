import {
  mailingInputSchema,
  mailingSchema,
  startedMailingInputSchema,
} from '#api/serializers/mailing'
import { mailingStatsSchema, runSchema } from '#api/serializers/mailing_stats'
import { deliverySchema } from '#api/serializers/delivery'
import { DELIVERY_STATUSES } from '#models/delivery'
import { listSchema, operation, ref } from '#api/openapi/operation'
import type { ApiResource } from '#api/openapi/document'

const tag = 'Mailings'

/**
 * The actions on one mailing that answer the mailing (or its run).
 */
const stateChange = (action: 'pause' | 'resume', summary: string, description: string) =>
  operation({
    method: 'post',
    operationId: `${action}Mailing`,
    summary,
    description: `${description} A mailing in another state answers 409.`,
    tag,
    ability: 'mailings:write',
    hasId: true,
    responses: { 200: { description: 'The mailing', schema: ref('Mailing') } },
  })

export const mailingsResource: ApiResource = {
  tag: {
    name: tag,
    description:
      'A message sent to all clients, chosen clients, the clients with any of some tags or ' +
      'those a segment matches, inside a window, once or daily, weekly or monthly, in the ' +
      'workspace’s time zone. Each occurrence is a run; its recipients are fixed when it ' +
      'starts (pending clients never, unsubscribed and suppressed ones skipped); each ' +
      'recipient of a run a delivery.',
  },
  schemas: {
    Mailing: mailingSchema,
    MailingInput: mailingInputSchema,
    StartedMailingInput: startedMailingInputSchema,
    MailingList: listSchema('Mailing'),
    MailingRun: runSchema,
    MailingStats: mailingStatsSchema,
    Delivery: deliverySchema,
    DeliveryList: listSchema('Delivery'),
  },
  paths: {
    '/mailings': {
      ...operation({
        method: 'get',
        operationId: 'listMailings',
        summary: 'List mailings, newest first',
        description: 'Deleted (archived) mailings are left out.',
        tag,
        ability: 'mailings:read',
        paged: true,
        responses: { 200: { description: 'A page of mailings', schema: ref('MailingList') } },
      }),
      ...operation({
        method: 'post',
        operationId: 'createMailing',
        summary: 'Create a mailing',
        description: 'A mailing whose window contains now starts its first run at once.',
        tag,
        ability: 'mailings:write',
        body: ref('MailingInput'),
        responses: { 201: { description: 'The new mailing', schema: ref('Mailing') } },
      }),
    },
    '/mailings/{id}': {
      ...operation({
        method: 'get',
        operationId: 'getMailing',
        summary: 'Read a mailing',
        tag,
        ability: 'mailings:read',
        hasId: true,
        responses: { 200: { description: 'The mailing', schema: ref('Mailing') } },
      }),
      ...operation({
        method: 'put',
        operationId: 'updateMailing',
        summary: 'Change a mailing',
        description:
          'Before its first run, everything (`MailingInput`); once started, only `name` and ' +
          '`end_at` (`StartedMailingInput`). A completed, disabled or deleted mailing answers 409.',
        tag,
        ability: 'mailings:write',
        hasId: true,
        problems: [409],
        body: { oneOf: [ref('MailingInput'), ref('StartedMailingInput')] },
        responses: { 200: { description: 'The saved mailing', schema: ref('Mailing') } },
      }),
      ...operation({
        method: 'delete',
        operationId: 'deleteMailing',
        summary: 'Delete (archive) a mailing',
        description: 'It never sends again; its statistics and delivery log stay readable.',
        tag,
        ability: 'mailings:write',
        hasId: true,
        problems: [409],
        responses: { 204: { description: 'Deleted' } },
      }),
    },
    '/mailings/{id}/send': operation({
      method: 'post',
      operationId: 'sendMailing',
      summary: 'Start a run now',
      description:
        'Fixes the recipients and queues the sending; the workers send it. A paused, disabled, ' +
        'completed or deleted mailing answers 409.',
      tag,
      ability: 'mailings:write',
      hasId: true,
      responses: { 202: { description: 'The run, started', schema: ref('MailingRun') } },
    }),
    '/mailings/{id}/pause': stateChange(
      'pause',
      'Pause a mailing',
      'Nothing more is sent until it is resumed.'
    ),
    '/mailings/{id}/resume': stateChange(
      'resume',
      'Resume a paused mailing',
      'Paused runs carry on with their unsent deliveries.'
    ),
    '/mailings/{id}/stats': operation({
      method: 'get',
      operationId: 'getMailingStats',
      summary: 'A mailing’s statistics',
      tag,
      ability: 'mailings:read',
      hasId: true,
      responses: {
        200: { description: 'Totals and the latest runs', schema: ref('MailingStats') },
      },
    }),
    '/mailings/{id}/deliveries': operation({
      method: 'get',
      operationId: 'listDeliveries',
      summary: 'A mailing’s delivery log',
      description: 'Newest run first, newest delivery first, with every attempt.',
      tag,
      ability: 'mailings:read',
      hasId: true,
      paged: true,
      parameters: [
        {
          name: 'status',
          in: 'query',
          required: false,
          schema: { type: 'string', enum: [...DELIVERY_STATUSES] },
        },
        {
          name: 'run',
          in: 'query',
          required: false,
          description: 'Only this run’s deliveries (a `MailingRun` id).',
          schema: { type: 'integer', minimum: 1 },
        },
      ],
      responses: { 200: { description: 'A page of deliveries', schema: ref('DeliveryList') } },
    }),
  },
}
