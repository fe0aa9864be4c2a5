/*
 * The faults the fleet test knows, by the name FLEET_FAULTS uses. One entry
 * per kind says everything about it: what it is (`summary`, printed when a
 * name is unknown), how long the broken part stays broken (`lasts`, from the
 * timings in effect; instantaneous kinds have none), how to inject it
 * (`inject`: do the damage, wait, bring the part back, say what happened)
 * and how many recipients it may make get a message twice (`mayDuplicate`).
 *
 * To add a kind, add an entry: the harness plans it (at a random moment or
 * the one FLEET_FAULTS gives), times it, attributes duplicates to it and
 * checks them against its bound without any other change.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { ServiceProcess } from '#tests/helpers/processes'
import type { Fleet } from './fleet.js'
import type { Timings } from './timings.js'

export interface Injected {
  /** What happened, for the table. */
  outcome: string
  /** How many things it hit, where the bound depends on it (connections cut). */
  hit?: number
}

export interface FaultKind {
  summary: string
  /**
   * What it breaks. Faults on different parts may overlap; one on a part an
   * earlier fault still holds waits for it (two faults stopping and
   * starting the same process at once would only race each other).
   */
  part: 'workers' | 'webs' | 'schedulers' | 'redis' | 'database' | 'sink'
  /** How long the part stays broken, in ms, by default. */
  lasts?: (timings: Timings) => number
  /** `ms`: how long it lasts this time (0 for an instantaneous kind). */
  inject: (fleet: Fleet, pick: <T>(list: T[]) => T, ms: number) => Promise<Injected>
  /**
   * The most duplicates it may cause. SMTP cannot do better than this: a
   * message the server accepted whose acceptance was not written down (the
   * attempt log row) before its sender lost it is sent again.
   */
  mayDuplicate: (fleet: Fleet, injected: Injected) => number
}

/**
 * What a worker may hold: a sending batch holds one message at a time, and
 * a worker runs QUEUE_CONCURRENCY batches.
 */
const inHandPerWorker = (fleet: Fleet) => fleet.options.timings.count('QUEUE_CONCURRENCY')

/**
 * Long enough for the rest of the fleet to take over what the broken part
 * held: its claims go stale (SEND_STALE_AFTER) and BullMQ's stalled check
 * (QUEUE_STALLED_INTERVAL) hands its jobs to others.
 */
const pastTakeover = (timings: Timings) =>
  timings.ms('SEND_STALE_AFTER') + timings.ms('QUEUE_STALLED_INTERVAL')

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/**
 * Stops a process with `signal` and starts it again as before.
 */
async function restart(process: ServiceProcess, signal: NodeJS.Signals): Promise<Injected> {
  const before = process.pid
  const began = performance.now()
  await process.stop(signal, 30_000)
  await process.start()
  return {
    outcome: `${process.name} pid ${before} ${signal === 'SIGKILL' ? 'killed' : 'stopped'}, back as pid ${process.pid} after ${seconds(performance.now() - began)}`,
  }
}

/**
 * Freezes a process (a stalled VM, a long GC pause, a laptop lid) for `ms`,
 * then lets it run on with whatever it held.
 */
async function freeze(process: ServiceProcess, ms: number): Promise<Injected> {
  process.signal('SIGSTOP')
  await sleep(ms)
  process.signal('SIGCONT')
  return { outcome: `${process.name} pid ${process.pid} stopped (SIGSTOP) for ${seconds(ms)}` }
}

const none = () => 0

export const FAULT_KINDS: Record<string, FaultKind> = {
  'kill-worker': {
    part: 'workers',
    summary: 'SIGKILL a sending worker and start it again',
    inject: (fleet, pick) => restart(pick(fleet.workers), 'SIGKILL'),
    mayDuplicate: inHandPerWorker,
  },
  'freeze-worker': {
    part: 'workers',
    summary: 'SIGSTOP a sending worker past the takeover, then SIGCONT: it wakes up holding claims',
    lasts: pastTakeover,
    inject: (fleet, pick, ms) => freeze(pick(fleet.workers), ms),
    mayDuplicate: inHandPerWorker,
  },
  'restart-worker': {
    part: 'workers',
    summary: 'SIGTERM a sending worker (it finishes what it holds) and start it again',
    inject: (fleet, pick) => restart(pick(fleet.workers), 'SIGTERM'),
    mayDuplicate: none,
  },
  'restart-web': {
    part: 'webs',
    summary: 'SIGTERM a web process and start it again',
    inject: (fleet, pick) => restart(pick(fleet.webs), 'SIGTERM'),
    mayDuplicate: none,
  },
  'kill-web': {
    part: 'webs',
    summary: 'SIGKILL a web process and start it again',
    inject: (fleet, pick) => restart(pick(fleet.webs), 'SIGKILL'),
    mayDuplicate: none,
  },
  'kill-scheduler': {
    part: 'schedulers',
    summary: 'SIGKILL a scheduler and start it again',
    inject: (fleet, pick) => restart(pick(fleet.schedulers), 'SIGKILL'),
    mayDuplicate: none,
  },
  // The reconciler frozen mid-step wakes up with a view of the runs that is
  // a takeover old: every step it then takes must be a conditional update
  // or a re-queue of work no live job covers, or it sends twice.
  'freeze-scheduler': {
    part: 'schedulers',
    summary: 'SIGSTOP a scheduler past the takeover, then SIGCONT: it reconciles from a stale view',
    lasts: pastTakeover,
    inject: (fleet, pick, ms) => freeze(pick(fleet.schedulers), ms),
    mayDuplicate: none,
  },
  // SHUTDOWN on SIGTERM: the append-only file is flushed, nothing is lost.
  'restart-redis': {
    part: 'redis',
    summary: 'SIGTERM Redis (it flushes its append-only file) and start it again',
    inject: (fleet) => restart(fleet.redis, 'SIGTERM'),
    mayDuplicate: none,
  },
  // A crash: up to a second of writes (appendfsync everysec) is lost.
  'kill-redis': {
    part: 'redis',
    summary: 'SIGKILL Redis (up to a second of writes lost) and start it again',
    inject: (fleet) => restart(fleet.redis, 'SIGKILL'),
    mayDuplicate: none,
  },
  // Redis away for a while, not just restarted: jobs' locks lapse meanwhile.
  'redis-outage': {
    part: 'redis',
    summary: 'stop Redis past the takeover, then start it again',
    lasts: pastTakeover,
    inject: async (fleet, _pick, ms) => {
      await fleet.redis.stop('SIGTERM', 30_000)
      await sleep(ms)
      await fleet.redis.start()
      return { outcome: `Redis down for ${seconds(ms)}` }
    },
    mayDuplicate: none,
  },
  // Unlike an outage, nothing is refused: every command hangs (a fork of a
  // huge dataset, swapping, a network partition) and resumes afterwards,
  // when every lock has lapsed at once.
  'freeze-redis': {
    part: 'redis',
    summary: 'SIGSTOP Redis past the takeover (commands hang, nothing refused), then SIGCONT',
    lasts: pastTakeover,
    inject: (fleet, _pick, ms) => freeze(fleet.redis, ms),
    mayDuplicate: none,
  },
  // Redis loses its data while everything keeps running (an operator's
  // FLUSHALL, a failover to an empty replica): the queued batches and the
  // job schedulers are gone, the database is the truth and the workers'
  // reconcilers queue again what no job covers. No worker dies, so nothing
  // sent goes unrecorded.
  'wipe-redis': {
    part: 'redis',
    summary: "FLUSHALL on the fleet's own Redis (every queued job and scheduler lost)",
    inject: (fleet) =>
      fleet.onRedis(async (redis) => {
        const keys = await redis.dbsize()
        await redis.flushall()
        return { outcome: `Redis flushed (${keys} keys lost)` }
      }),
    mayDuplicate: none,
  },
  // Redis out of memory under noeviction: it answers, but refuses every
  // write (OOM) for a while, so no job can be queued, locked or finished.
  'fill-redis': {
    part: 'redis',
    summary: 'Redis refuses every write (maxmemory reached, noeviction) past the takeover',
    lasts: pastTakeover,
    inject: (fleet, _pick, ms) =>
      fleet.onRedis(async (redis) => {
        await redis.config('SET', 'maxmemory', '1')
        try {
          await sleep(ms)
          return { outcome: `Redis refused writes (OOM) for ${seconds(ms)}` }
        } finally {
          await redis.config('SET', 'maxmemory', '0')
        }
      }),
    mayDuplicate: none,
  },
  // A crash of a Redis without persistence: it comes back empty.
  'lose-redis': {
    part: 'redis',
    summary: 'SIGKILL Redis, delete its append-only file and start it again empty',
    inject: async (fleet) => {
      const before = fleet.redis.pid
      await fleet.redis.stop('SIGKILL', 30_000)
      fleet.emptyRedisFolder()
      await fleet.redis.start()
      return { outcome: `Redis pid ${before} killed, back empty as pid ${fleet.redis.pid}` }
    },
    mayDuplicate: none,
  },
  'cut-pg': {
    part: 'database',
    summary: "pg_terminate_backend every one of the fleet's PostgreSQL connections",
    inject: async (fleet) => ({
      outcome: `${await fleet.cutDatabaseConnections()} PostgreSQL connections cut`,
    }),
    mayDuplicate: none,
  },
  // Unlike an outage, nothing is refused or cut: every query on the
  // deliveries hangs (a migration or VACUUM FULL holding its lock) and they
  // all resume at once, the claims taken before it a takeover old.
  'lock-pg': {
    part: 'database',
    summary: 'hold an ACCESS EXCLUSIVE lock on deliveries past the takeover: its queries hang',
    lasts: pastTakeover,
    inject: async (fleet, _pick, ms) => {
      await fleet.onOwnConnection([
        `BEGIN; LOCK TABLE deliveries IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(${ms / 1000}); COMMIT`,
      ])
      return { outcome: `deliveries locked for ${seconds(ms)}` }
    },
    mayDuplicate: (fleet) => inHandPerWorker(fleet) * fleet.workers.length,
  },
  // A restart or failover (the server itself is shared, so only this
  // database goes away), as long as a claim takes to go stale: longer than
  // the attempt log's retries (about 4 s), so a message accepted meanwhile
  // may go again, one per running batch.
  'pg-outage': {
    part: 'database',
    summary: "cut the fleet's PostgreSQL connections and refuse new ones for SEND_STALE_AFTER",
    lasts: (timings) => timings.ms('SEND_STALE_AFTER'),
    inject: async (fleet, _pick, ms) => {
      const cut = await fleet.databaseOutage(ms)
      return { outcome: `database refused connections for ${seconds(ms)} (${cut} cut)` }
    },
    mayDuplicate: (fleet) => inHandPerWorker(fleet) * fleet.workers.length,
  },
  // As long as one retry delay: what was refused is tried again while the
  // refusal lasts or just after, well within SEND_MAX_ATTEMPTS.
  'smtp-refuse': {
    part: 'sink',
    summary: 'the sink answers 451 to every message for SEND_RETRY_DELAY',
    lasts: (timings) => timings.ms('SEND_RETRY_DELAY'),
    inject: async (fleet, _pick, ms) => {
      const before = fleet.sink.refused
      fleet.sink.refuseFor(ms)
      await sleep(ms)
      return {
        outcome: `sink answered 451 for ${seconds(ms)} (${fleet.sink.refused - before} messages refused)`,
      }
    },
    mayDuplicate: none,
  },
  // Accepted messages whose 250 was lost with the connection are sent again.
  'smtp-drop': {
    part: 'sink',
    summary: 'the sink cuts every connection and refuses new ones (421) for SEND_RETRY_DELAY',
    lasts: (timings) => timings.ms('SEND_RETRY_DELAY'),
    inject: async (fleet, _pick, ms) => {
      const cut = fleet.sink.dropFor(ms)
      await sleep(ms)
      return {
        outcome: `sink cut ${cut} connections and refused new ones for ${seconds(ms)}`,
        hit: cut,
      }
    },
    mayDuplicate: (_fleet, injected) => injected.hit ?? 0,
  },
}

export const DEFAULT_FAULTS = ['kill-worker', 'restart-web', 'restart-redis', 'cut-pg']
