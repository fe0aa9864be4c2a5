/*
|--------------------------------------------------------------------------
| Event listeners
|--------------------------------------------------------------------------
|
| Who reacts to what the application announces. The events and their data
| are declared in types/events.ts; each listener is a class of its own in
| app/listeners/, imported when its event first fires. Listeners run in the
| process that emitted, and the emitter awaits them: the ones that must not
| fail the send or the request that announced (webhooks) log their failures
| instead of throwing them.
|
*/

import emitter from '@adonisjs/core/services/emitter'

const RecordOutcomeWebhooks = () => import('#listeners/record_outcome_webhooks')
const ForgetHomeNumbers = () => import('#listeners/forget_home_numbers')

emitter.on('mailing_run:started', [ForgetHomeNumbers, 'handle'])
emitter.on('mailing_run:completed', [ForgetHomeNumbers, 'handle'])

emitter.on('mailing_run:started', [RecordOutcomeWebhooks, 'runStarted'])
emitter.on('mailing_run:completed', [RecordOutcomeWebhooks, 'runCompleted'])
emitter.on('deliveries:finished', [RecordOutcomeWebhooks, 'deliveriesFinished'])
emitter.on('client:unsubscribed', [RecordOutcomeWebhooks, 'clientUnsubscribed'])
emitter.on('client:updated', [RecordOutcomeWebhooks, 'clientUpdated'])
emitter.on('client:subscribed', [RecordOutcomeWebhooks, 'clientSubscribed'])
emitter.on('client:suppressed', [RecordOutcomeWebhooks, 'clientSuppressed'])
emitter.on('delivery:bounced', [RecordOutcomeWebhooks, 'deliveryBounced'])
