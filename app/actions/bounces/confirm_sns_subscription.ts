import logger from '@adonisjs/core/services/logger'
import bouncesConfig from '#config/bounces'
import { boundedGet, isSnsUrl, type SnsMessage } from '#bounces/providers/sns'

export type SnsConfirmation = 'confirmed' | 'not_sns_url' | 'failed'

/**
 * Confirms the subscription of one of our SES topics to the webhook, by
 * fetching the SubscribeURL of a verified SubscriptionConfirmation: only
 * from SNS's own origin (the URL comes from the request: anything else
 * would be a fetch on an attacker's behalf), bounded and without redirects.
 */
export default class ConfirmSnsSubscription {
  static async handle(message: SnsMessage): Promise<SnsConfirmation> {
    const { originPattern } = bouncesConfig.webhooks.ses
    if (!message.SubscribeURL || !isSnsUrl(message.SubscribeURL, originPattern)) {
      return 'not_sns_url'
    }
    try {
      await boundedGet(message.SubscribeURL)
    } catch (error) {
      logger.warn({ err: error, topic: message.TopicArn }, 'SNS subscription not confirmed')
      return 'failed'
    }
    logger.info({ topic: message.TopicArn }, 'SNS subscription confirmed')
    return 'confirmed'
  }
}
