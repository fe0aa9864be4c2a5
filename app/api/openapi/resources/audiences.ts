import { attributeSchema, tagSchema } from '#api/serializers/audience'
import { listSchema, operation, ref } from '#api/openapi/operation'
import type { ApiResource } from '#api/openapi/document'

const tag = 'Tags and attributes'

export const audiencesResource: ApiResource = {
  tag: {
    name: tag,
    description:
      'What the workspace labels its clients with: tags (many per client) and typed custom ' +
      'attributes. They are managed in the app; clients get them through `add_tags`, ' +
      '`remove_tags` and `attributes` of `POST /clients`, `PUT /clients/{id}` and ' +
      '`POST /clients/bulk`. A tag named there that does not exist yet is created.',
  },
  schemas: {
    Tag: tagSchema,
    TagList: listSchema('Tag'),
    Attribute: attributeSchema,
    AttributeList: listSchema('Attribute'),
  },
  paths: {
    '/tags': operation({
      method: 'get',
      operationId: 'listTags',
      summary: 'List the tags, by name, with their client counts',
      description: 'All of them on one page (a workspace has at most 500): `next_cursor` is null.',
      tag,
      ability: 'clients:read',
      responses: { 200: { description: 'The tags', schema: ref('TagList') } },
    }),
    '/attributes': operation({
      method: 'get',
      operationId: 'listAttributes',
      summary: 'List the attribute definitions, by key',
      description: 'All of them on one page: `next_cursor` is null.',
      tag,
      ability: 'clients:read',
      responses: { 200: { description: 'The attributes', schema: ref('AttributeList') } },
    }),
  },
}
