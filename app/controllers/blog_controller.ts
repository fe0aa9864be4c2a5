import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import RenderBlogArticle from '#actions/public_pages/render_blog_article'
import RenderBlogListPage from '#actions/public_pages/render_blog_list_page'
import { countPostView } from '#services/blog/post_views'
import { pageNumber } from '#services/database/pagination'

const LAST_PAGE_SERVED = 9_999

/**
 * The public blog. Its fragments come from the cache; the layout around
 * them (navbar, flash messages) is rendered per request, and the HTTP
 * cache middleware decides who may keep the page.
 */
export default class BlogController {
  async index({ view, request, response }: HttpContext) {
    // Pages are cached by number: made-up numbers must not fill the cache.
    const page = pageNumber(request.input('page'), LAST_PAGE_SERVED)
    const list = await RenderBlogListPage.handle(view, page)
    if (list.count === 0 && page > 1) return response.notFound()

    setLastModified(response, list.builtAt)
    return view.render('pages/blog/index', { list, page })
  }

  async show({ view, params, response }: HttpContext) {
    const article = await RenderBlogArticle.handle(view, params.slug)
    if (!article) return response.notFound()

    // Counted on every view, cached page or not: one Redis command.
    await countPostView(article.id)
    setLastModified(response, article.updatedAt)
    return view.render('pages/blog/show', { article })
  }
}

function setLastModified(response: HttpContext['response'], iso: string) {
  response.header('Last-Modified', DateTime.fromISO(iso).toHTTP()!)
}
