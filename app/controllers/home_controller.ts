import type { HttpContext } from '@adonisjs/core/http'
import GetHomeNumbers from '#actions/public_pages/get_home_numbers'
import PickRandomPosts from '#actions/public_pages/pick_random_posts'

export default class HomeController {
  async show({ view }: HttpContext) {
    const [numbers, posts] = await Promise.all([GetHomeNumbers.handle(), PickRandomPosts.handle(3)])
    return view.render('pages/home', { numbers, posts })
  }
}
