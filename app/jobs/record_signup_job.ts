import { Job } from '@rlanz/bull-queue'
import RecordSignup, { type QueuedSignup } from '#actions/signup_forms/record_signup'
import type { JobName } from '#start/jobs'

/**
 * A valid submission of a public sign-up form, queued by the request so the
 * request does the same work for every address (RecordSignup decides what
 * the address gets).
 */
export default class RecordSignupJob extends Job {
  static get $$filepath(): JobName {
    return 'record_signup'
  }

  async handle(payload: QueuedSignup) {
    await RecordSignup.handle(payload)
  }

  async rescue(payload: QueuedSignup, error: Error) {
    this.logger.error(
      { formId: payload.formId, err: error },
      'A sign-up could not be recorded after all attempts'
    )
  }
}
