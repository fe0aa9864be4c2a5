import { test } from '@japa/runner'
import { describeDevice } from '#services/accounts/device_names'

test.group('Device names on the sessions page', () => {
  test('{ua} → {name}')
    .with([
      {
        ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
        name: 'Chrome on macOS',
      },
      {
        ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
        name: 'Safari on iOS',
      },
      {
        ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
        name: 'Microsoft Edge on Windows',
      },
      { ua: 'curl/8.5.0', name: 'curl/8.5.0' },
      { ua: `x${'y'.repeat(200)}`, name: `x${'y'.repeat(59)}` },
      { ua: '   ', name: 'Unknown device' },
      { ua: undefined, name: 'Unknown device' },
    ])
    .run(({ assert }, { ua, name }) => {
      assert.equal(describeDevice(ua), name)
    })
})
