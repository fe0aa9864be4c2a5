/*
|--------------------------------------------------------------------------
| Cache invalidation from events
|--------------------------------------------------------------------------
|
| A run starting or completing changes the home page's numbers (active
| mailings, clients reached). The events are emitted in whichever process
| runs the engine (usually a worker); the cache's Redis bus carries the
| deletion to every web process.
|
*/

import emitter from '@adonisjs/core/services/emitter'
import { forgetHomeNumbers } from '#services/blog/public_cache'

emitter.on('mailing_run:started', () => forgetHomeNumbers())
emitter.on('mailing_run:completed', () => forgetHomeNumbers())
