import { meSchema } from '#api/serializers/me'
import { operation, ref } from '#api/openapi/operation'
import type { ApiResource } from '#api/openapi/document'

const tag = 'Me'

export const meResource: ApiResource = {
  tag: { name: tag, description: 'The token itself: who it acts for and what it may do.' },
  schemas: { Me: meSchema },
  paths: {
    '/me': operation({
      method: 'get',
      operationId: 'getMe',
      summary: 'The token’s user, workspace and abilities',
      tag,
      ability: null,
      responses: { 200: { description: 'The token’s user and workspace', schema: ref('Me') } },
    }),
  },
}
