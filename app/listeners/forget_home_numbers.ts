import { forgetHomeNumbers } from '#services/blog/public_cache'

/**
 * A run starting or completing changes the home page's numbers (active
 * mailings, clients reached). The events are emitted in whichever process
 * runs the engine (usually a worker); the cache's Redis bus carries the
 * deletion to every web process.
 */
export default class ForgetHomeNumbers {
  async handle() {
    await forgetHomeNumbers()
  }
}
