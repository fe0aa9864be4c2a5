/*
 * The fleet test's own logic that decides pass or fail without a fleet:
 * its settings (what an operator rerunning it with other timings and faults
 * types) and which fault a duplicate is charged to.
 */
import { test } from '@japa/runner'
import {
  attributeDuplicates,
  faultFailures,
  planFaults,
  type FaultRecord,
} from '../../bench/helpers/fleet/run.js'
import { fleetOptionsFromEnv } from '../../bench/helpers/fleet/settings.js'

/**
 * The options with `variables` set in the environment for the call only.
 */
async function optionsWith(variables: Record<string, string>) {
  const saved = { ...process.env }
  Object.assign(process.env, variables)
  try {
    return await fleetOptionsFromEnv({ recipients: 1000, database: 'unit_fleet', log: () => {} })
  } finally {
    for (const name of Object.keys(variables)) delete process.env[name]
    Object.assign(process.env, saved)
  }
}

test.group('Fleet test settings', () => {
  test('a timing given as FLEET_<name> reaches the processes and sets the faults durations', async ({
    assert,
  }) => {
    const options = await optionsWith({
      FLEET_SEND_STALE_AFTER: '20s',
      FLEET_QUEUE_CONCURRENCY: '8',
      FLEET_FAULTS: 'freeze-worker,pg-outage@40%,kill-worker@0.1,smtp-drop@0.5:2s',
    })
    assert.equal(options.timings.values.SEND_STALE_AFTER, '20s')
    assert.equal(options.timings.values.QUEUE_CONCURRENCY, '8')
    const plan = planFaults(options, () => 0)
    assert.deepEqual(
      plan.map((fault) => [fault.kind, fault.at, fault.ms]),
      [
        // The seed's earliest moment; stale after plus the stalled interval.
        ['freeze-worker', 0.05, 25_000],
        ['kill-worker', 0.1, 0],
        ['pg-outage', 0.4, 20_000],
        ['smtp-drop', 0.5, 2000],
      ]
    )
  })

  test('the seed draws the moments first, then which process each fault hits', async ({
    assert,
  }) => {
    const options = await optionsWith({ FLEET_FAULTS: 'kill-worker,restart-web@0.2,kill-worker' })
    const draws = [0.5, 0, 0.9, 0.1, 0.6]
    const plan = planFaults(options, () => draws.shift()!)
    assert.deepEqual(
      plan.map((fault) => [fault.kind, Number(fault.at.toFixed(2)), fault.target]),
      [
        ['kill-worker', 0.05, 0.6],
        ['restart-web', 0.2, 0.1],
        ['kill-worker', 0.4, 0.9],
      ]
    )
  })

  test('FLEET_FAULT_DURATION sets every lasting fault that FLEET_FAULTS gives none', async ({
    assert,
  }) => {
    const options = await optionsWith({
      FLEET_FAULT_DURATION: '3s',
      FLEET_FAULTS: 'freeze-redis@0.2,cut-pg@0.3,smtp-refuse@0.4:7s',
    })
    assert.deepEqual(
      planFaults(options, () => 0).map((fault) => fault.ms),
      [3000, 0, 7000]
    )
  })

  test('ports nobody gave are free ones, all different', async ({ assert }) => {
    const { ports } = await optionsWith({})
    const all = [ports.proxy, ...ports.web, ports.smtp, ports.redis]
    assert.lengthOf(new Set(all), 5)
  })

  test('a bad value stops it with a sentence naming the variable', async ({ assert }) => {
    const cases: [Record<string, string>, string][] = [
      [{ FLEET_SEND_STALE_AFTER: 'soon' }, 'FLEET_SEND_STALE_AFTER must be a duration'],
      [{ FLEET_SEND_RETRY_DELAY: '0s' }, 'FLEET_SEND_RETRY_DELAY must be a duration longer than 0'],
      [{ FLEET_QUEUE_CONCURRENCY: '2.5' }, 'FLEET_QUEUE_CONCURRENCY must be a whole number'],
      [{ FLEET_FAULTS: 'kill-worker@1.2' }, 'has its moment outside the sending'],
      [{ FLEET_FAULTS: 'kill-worker:10s' }, 'kill-worker is instantaneous'],
      [{ FLEET_FAULTS: 'unplug-cable' }, 'no fault kind "unplug-cable"; the kinds are'],
      [{ FLEET_FAULT_DURATION: 'long' }, 'FLEET_FAULT_DURATION must be a duration'],
      [{ FLEET_PROXY_PORT: '70000' }, 'FLEET_PROXY_PORT must be a whole number from 1 to 65535'],
      [{ FLEET_STALE_AFTER: '10s' }, 'FLEET_STALE_AFTER: not a setting of the fleet test'],
    ]
    for (const [variables, sentence] of cases) {
      const error = await optionsWith(variables).then(
        () => 'accepted',
        (failure: Error) => failure.message
      )
      assert.include(error, sentence, JSON.stringify(variables))
    }
  })
})

test.group('Fleet test duplicates', () => {
  test('each duplicate is charged to the fault around its first copy, not when it came again', ({
    assert,
  }) => {
    const kill = { from: 10_000, to: 12_000, duplicates: 0, duplicatesAllowed: 5 }
    const cut = { from: 20_000, to: 20_000, duplicates: 0, duplicatesAllowed: 5 }
    const unexplained = attributeDuplicates(
      [
        [5000], // one copy: no duplicate
        [9800, 21_000], // accepted just before the kill, sent again after the cut
        [9900, 20_500, 30_000], // the kill's, then the cut's
        [11_000, 22_000], // during the kill
        [40_000, 41_000], // far from every fault
      ],
      [kill, cut]
    )
    assert.equal(kill.duplicates, 3)
    assert.equal(cut.duplicates, 1)
    assert.equal(unexplained, 1)
  })

  test('a copy lost as a worker was killed is the kill’s, though a web restart ended that instant', ({
    assert,
  }) => {
    // The CI run of 7116444: restart-web from 12.5 s to 14.6 s, then cut-pg
    // and kill-worker at 14.6 s; the three copies accepted just before the
    // kill were charged to the web restart, which may cause none.
    const restartWeb = { from: 12_500, to: 14_600, duplicates: 0, duplicatesAllowed: 0 }
    const cutPg = { from: 14_600, to: 14_600, duplicates: 0, duplicatesAllowed: 0 }
    const killWorker = { from: 14_600, to: 16_700, duplicates: 0, duplicatesAllowed: 5 }
    const unexplained = attributeDuplicates(
      [
        [14_590, 20_000],
        [14_595, 20_100],
        [14_599, 20_200],
      ],
      [restartWeb, cutPg, killWorker]
    )
    assert.deepEqual(
      [restartWeb.duplicates, cutPg.duplicates, killWorker.duplicates, unexplained],
      [0, 0, 3, 0]
    )
  })

  test('a copy in the windows of two overlapping faults goes to the one with room left', ({
    assert,
  }) => {
    // FLEET_SEED=5555, faults overlapping: a worker frozen from 6.7 s to
    // 21.7 s, the database away from 15.8 s to 25.8 s. The 10 copies the
    // outage lost were all charged to the freeze, which may cause 5.
    const freeze = { from: 6_700, to: 21_700, duplicates: 0, duplicatesAllowed: 5 }
    const outage = { from: 15_800, to: 25_800, duplicates: 0, duplicatesAllowed: 15 }
    const lost = Array.from({ length: 10 }, (_, index) => [16_000 + index, 40_000])
    const unexplained = attributeDuplicates([[7_000, 30_000], ...lost], [freeze, outage])
    assert.deepEqual([freeze.duplicates, outage.duplicates, unexplained], [1, 10, 0])
  })

  test('a copy no duplicating fault explains is charged to the fault around it', ({ assert }) => {
    const restartWeb = { from: 12_500, to: 14_600, duplicates: 0, duplicatesAllowed: 0 }
    const killWorker = { from: 30_000, to: 32_000, duplicates: 0, duplicatesAllowed: 5 }
    attributeDuplicates([[13_000, 20_000]], [restartWeb, killWorker])
    assert.deepEqual([restartWeb.duplicates, killWorker.duplicates], [1, 0])
  })

  test('a fault not injected is charged nothing', ({ assert }) => {
    const planned = { from: undefined, to: undefined, duplicates: 0, duplicatesAllowed: 5 }
    assert.equal(attributeDuplicates([[1000, 2000]], [planned]), 1)
    assert.equal(planned.duplicates, 0)
  })
})

test.group('Fleet test faults', () => {
  const record = (fields: Partial<FaultRecord>): FaultRecord => ({
    kind: 'kill-worker',
    at: 0.8,
    ms: 0,
    injected: true,
    atSeconds: 12,
    outcome: '',
    duplicatesAllowed: 5,
    duplicates: 0,
    ...fields,
  })

  test('a planned fault that never came fails the run, saying why', ({ assert }) => {
    assert.deepEqual(faultFailures([record({ injected: false })], true), [
      'kill-worker, planned at 80% of the recipients, was not injected: every recipient had been reached before it could be (its moment came too late, or while earlier faults still lasted): plan it earlier, or fewer or shorter faults before it',
    ])
  })

  test('each fault is held to its own bound, not to the sum of all', ({ assert }) => {
    const failures = faultFailures(
      [
        record({ duplicates: 0, duplicatesAllowed: 5 }),
        record({ kind: 'cut-pg', atSeconds: 30, duplicates: 2, duplicatesAllowed: 0 }),
      ],
      true
    )
    assert.deepEqual(failures, ['cut-pg at 30 s caused 2 duplicates, more than it may (0)'])
  })
})
