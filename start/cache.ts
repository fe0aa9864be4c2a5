/*
|--------------------------------------------------------------------------
| The cache, opened when a web process starts
|--------------------------------------------------------------------------
|
| See app/services/cache/open_cache.ts for why; workers open it in
| `queue:listen`.
|
*/

import { openCache } from '#services/cache/open_cache'

openCache()
