import Post from '#models/post'

/**
 * A blog post by id, published or not, for the editor in the admin panel;
 * 404 for one that does not exist.
 */
export default class FindPost {
  static handle(id: number | string) {
    return Post.findOrFail(id)
  }
}
