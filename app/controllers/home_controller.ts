import type { HttpContext } from '@adonisjs/core/http'
import GetHomeNumbers from '#actions/public_pages/home_numbers'
import RandomPosts from '#actions/public_pages/random_posts'

export default class HomeController {
  async show({ view }: HttpContext) {
    const [numbers, posts] = await Promise.all([GetHomeNumbers.handle(), RandomPosts.handle(3)])
    return view.render('pages/home', { numbers, posts })
  }
}
