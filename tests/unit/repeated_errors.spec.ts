import { test } from '@japa/runner'
import { RepeatedErrors } from '#services/queue/repeated_errors'

const oom = (script: number) =>
  new Error(`OOM command not allowed when used memory > 'maxmemory'. script: ${script}`)

test.group('Repeated worker errors', () => {
  test('a new kind of error in the middle of a flood is written at once', ({ assert }) => {
    const lines: [string, number][] = []
    const errors = new RepeatedErrors((error, repeated) =>
      lines.push([(error as Error).message, repeated])
    )
    for (let index = 0; index < 1000; index++) errors.report(oom(index))
    errors.report(new Error('Failed to add repeatable job for next iteration'))
    for (let index = 0; index < 1000; index++) errors.report(oom(index))

    assert.deepEqual(lines, [
      [oom(0).message, 0],
      ['Failed to add repeatable job for next iteration', 0],
    ])
    // What was only counted is written when the worker stops.
    errors.flush()
    assert.deepEqual(lines.slice(2), [[oom(999).message, 1999]])
  })

  test('past 20 kinds the new ones share one count, the ones followed keep theirs', ({
    assert,
  }) => {
    const lines: [string, number][] = []
    const errors = new RepeatedErrors((error, repeated) =>
      lines.push([(error as Error).message, repeated])
    )
    errors.report(oom(1))
    for (let index = 0; index < 30; index++) errors.report(new Error(`kind ${'x'.repeat(index)}`))
    errors.report(oom(2))
    errors.flush()
    // The 19 kinds after OOM, then the first of the rest; OOM's count is its own.
    assert.lengthOf(lines, 1 + 19 + 1 + 2)
    assert.deepInclude(lines, [oom(2).message, 1])
    assert.deepInclude(lines, ['kind ' + 'x'.repeat(29), 10])
  })
})
