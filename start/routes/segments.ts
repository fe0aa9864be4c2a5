/*
| Audiences: segments (issue 15)
*/

import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const SegmentsController = () => import('#controllers/segments_controller')

router
  .group(() => {
    // Before the resource, so "preview" and "editor" are not read as ids.
    router.post('/segments/preview', [SegmentsController, 'preview']).as('segments.preview')
    router.post('/segments/editor', [SegmentsController, 'editor']).as('segments.editor')
    router.get('/segments/editor', [SegmentsController, 'editorBack']).as('segments.editor_back')
    router
      .resource('segments', SegmentsController)
      .except(['show'])
      .where('id', router.matchers.number())
    router
      .post('/segments/:id/editor', [SegmentsController, 'editor'])
      .where('id', router.matchers.number())
      .as('segments.editor_of')
    router
      .get('/segments/:id/editor', [SegmentsController, 'editorBack'])
      .where('id', router.matchers.number())
      .as('segments.editor_of_back')
    router
      .get('/segments/:id/count', [SegmentsController, 'count'])
      .where('id', router.matchers.number())
      .as('segments.count')
  })
  .use([middleware.auth(), middleware.tenant()])
