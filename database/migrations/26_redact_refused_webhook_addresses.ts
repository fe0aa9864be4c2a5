import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Attempts refused for a private address used to name the address the host
 * name resolved to ("Refused: 10.1.2.3 is a private, …"), which told an
 * endpoint's owner what the name points to inside our network. They now
 * read "Refused: private address" (webhook_http.ts); the attempts already
 * logged are rewritten the same way. Nothing to undo.
 */
export default class extends BaseSchema {
  async up() {
    this.defer(async (db) => {
      await db
        .from('webhook_attempts')
        .where('error', 'like', 'Refused: % is a private, loopback, link-local or metadata address')
        .update({ error: 'Refused: private address' })
    })
  }

  async down() {}
}
