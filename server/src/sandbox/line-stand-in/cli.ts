// Starts the LINE platform stand-in and prints one JSON line with its coordinates.
// Usage: npx tsx server/src/sandbox/line-stand-in/cli.ts [--port N] [--webhook-url URL] [--no-rate-limits]
import { parseArgs } from 'node:util'
import { startLineStandIn } from './index.ts'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'webhook-url': { type: 'string' },
    'no-rate-limits': { type: 'boolean', default: false },
    'channel-secret': { type: 'string' },
    'channel-access-token': { type: 'string' },
  },
})

const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid --port: ${values.port}`)
  process.exit(2)
}

const standIn = await startLineStandIn({
  port,
  host: values.host,
  webhookUrl: values['webhook-url'],
  rateLimits: !values['no-rate-limits'],
  channelSecret: values['channel-secret'],
  channelAccessToken: values['channel-access-token'],
})

console.log(
  JSON.stringify({
    url: standIn.url,
    jwksUrl: standIn.jwksUrl,
    channelSecret: standIn.channelSecret,
    channelAccessToken: standIn.channelAccessToken,
    loginChannelId: standIn.loginChannelId,
    botUserId: standIn.botUserId,
  }),
)

const stop = (): void => {
  void standIn.close().then(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
