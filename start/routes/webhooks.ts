/*
| Webhook endpoints in Settings
*/

export {}
