import type { HttpContext } from '@adonisjs/core/http'
import PostPolicy from '#policies/post_policy'
import { postValidator } from '#validators/post'
import FindPost from '#actions/posts/find_post'
import CreatePost from '#actions/posts/create_post'
import UpdatePost from '#actions/posts/update_post'
import PublishPost from '#actions/posts/publish_post'
import UnpublishPost from '#actions/posts/unpublish_post'
import DeletePost from '#actions/posts/delete_post'
import ListPosts from '#actions/posts/list_posts'
import blogConfig from '#config/blog'
import { flashMessages } from '#services/http/flash_messages'
import { pageNumber } from '#services/database/pagination'

/**
 * The blog editor in the admin panel: content managers and admins.
 */
export default class PostsController {
  async index({ view, request, bouncer }: HttpContext) {
    await bouncer.with(PostPolicy).authorize('viewList')
    const page = pageNumber(request.input('page'))

    const { posts, hasNextPage } = await ListPosts.handle(page)
    return view.render('pages/admin/posts/index', { posts, page, hasNextPage })
  }

  async create({ view, bouncer }: HttpContext) {
    await bouncer.with(PostPolicy).authorize('create')
    return view.render('pages/admin/posts/form', { coverMaxSize: blogConfig.coverMaxSize })
  }

  async store({ request, response, bouncer, auth, session }: HttpContext) {
    await bouncer.with(PostPolicy).authorize('create')
    const data = await this.#validate(request, {})
    const post = await CreatePost.handle({ actor: auth.getUserOrFail(), data })

    session.flash('success', flashMessages.staff.postSaved(post))
    return response.redirect().toRoute('admin.posts.edit', { id: post.id })
  }

  async edit({ view, params, bouncer }: HttpContext) {
    const post = await this.#find(bouncer, params.id, 'update')
    return view.render('pages/admin/posts/form', { post, coverMaxSize: blogConfig.coverMaxSize })
  }

  async update({ request, response, params, bouncer, auth, session }: HttpContext) {
    const post = await this.#find(bouncer, params.id, 'update')
    const data = await this.#validate(request, { postId: post.id })
    await UpdatePost.handle({ actor: auth.getUserOrFail(), post, data })

    session.flash('success', flashMessages.staff.postSaved(post))
    return response.redirect().toRoute('admin.posts.edit', { id: post.id })
  }

  async publish({ response, params, bouncer, auth, session }: HttpContext) {
    const post = await this.#find(bouncer, params.id, 'update')
    await PublishPost.handle({ actor: auth.getUserOrFail(), post })

    session.flash('success', flashMessages.staff.postPublished(post))
    return response.redirect().toRoute('admin.posts.edit', { id: post.id })
  }

  async unpublish({ response, params, bouncer, auth, session }: HttpContext) {
    const post = await this.#find(bouncer, params.id, 'update')
    await UnpublishPost.handle({ actor: auth.getUserOrFail(), post })

    session.flash('success', flashMessages.staff.postUnpublished(post))
    return response.redirect().toRoute('admin.posts.edit', { id: post.id })
  }

  async destroy({ response, params, bouncer, auth, session }: HttpContext) {
    const post = await this.#find(bouncer, params.id, 'delete')
    await DeletePost.handle({ actor: auth.getUserOrFail(), post })

    session.flash('success', flashMessages.staff.postDeleted(post))
    return response.redirect().toRoute('admin.posts.index')
  }

  /**
   * A post, for staff who write the blog; 404 for anyone else, as for a
   * post that does not exist.
   */
  async #find(bouncer: HttpContext['bouncer'], id: number, ability: 'update' | 'delete') {
    const post = await FindPost.handle(id)
    await bouncer.with(PostPolicy).authorize(ability, post)
    return post
  }

  /**
   * Validates the form. A refused cover's temporary file is removed after
   * the request by app/middleware/multipart_middleware.ts; an accepted one
   * has been moved into the covers folder by then.
   */
  #validate(request: HttpContext['request'], meta: { postId?: number }) {
    return request.validateUsing(postValidator, { meta })
  }
}
