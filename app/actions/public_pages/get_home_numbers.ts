import db from '@adonisjs/lucid/services/db'
import blogConfig from '#config/blog'
import { CACHE_TAGS, cached } from '#services/blog/public_cache'

export interface HomeNumbers {
  totalMailings: number
  activeMailings: number
  uniqueClients: number
}

/**
 * The numbers on the home page, across all workspaces, from the cache.
 * Runs starting or completing clear them (ForgetHomeNumbers); otherwise they
 * are at most `homeNumbersTtl` old.
 */
export default class GetHomeNumbers {
  static handle(): Promise<HomeNumbers> {
    return cached({
      key: 'home:numbers',
      ttl: blogConfig.homeNumbersTtl,
      tags: [CACHE_TAGS.homeNumbers],
      factory: countHomeNumbers,
    })
  }
}

async function countHomeNumbers(): Promise<HomeNumbers> {
  const [mailings] = await db
    .from('mailings')
    .whereNull('archived_at')
    .select(
      db.raw('count(*) as total'),
      db.raw(`count(case when status = 'running' then 1 end) as active`)
    )
  // Clients who were sent (or due) something: a delivery is one recipient
  // of one run. Counted by email (stored lower-cased) so a person who is a
  // client of two workspaces counts once; clients never mailed do not count.
  const [clients] = await db.from('deliveries').countDistinct('email as total')
  return {
    totalMailings: Number(mailings.total),
    activeMailings: Number(mailings.active),
    uniqueClients: Number(clients.total),
  }
}
