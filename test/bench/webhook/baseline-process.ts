/**
 * Bench child: the baseline LINE documents for a bot — Express, the SDK's signature middleware and
 * an echo reply sent inline before answering the webhook (line-bot-sdk-nodejs, examples/echo-bot).
 * The SDK is imported from the server workspace, which pins @line/bot-sdk 11.0.1 (the repository
 * root holds 10.8.0, pulled in by @line/liff).
 */
import express from 'express'
import type { AddressInfo } from 'node:net'
import {
  messagingApi,
  middleware,
  type webhook,
} from '../../../server/node_modules/@line/bot-sdk/dist/index.js'
import { serveParent } from '../support/child.ts'

export interface BaselineSettings {
  lineUrl: string
  channelSecret: string
  channelAccessToken: string
}

const settings = JSON.parse(process.env.BENCH_BASELINE ?? '{}') as BaselineSettings

const client = new messagingApi.MessagingApiClient({
  channelAccessToken: settings.channelAccessToken,
  baseURL: settings.lineUrl,
})

function handleEvent(event: webhook.Event) {
  if (event.type !== 'message' || event.message.type !== 'text') return Promise.resolve(null)
  const echo: messagingApi.TextMessage = { type: 'text', text: event.message.text }
  return client.replyMessage({ replyToken: event.replyToken ?? '', messages: [echo] })
}

const app = express()
app.post('/webhook', middleware({ channelSecret: settings.channelSecret }), (req, res) => {
  const { events } = req.body as webhook.CallbackRequest
  Promise.all(events.map(handleEvent))
    .then((result) => res.json(result))
    .catch((error: unknown) => {
      console.error(error)
      res.status(500).end()
    })
})

const server = app.listen(0, '127.0.0.1')
await new Promise<void>((resolve, reject) => {
  server.once('listening', resolve)
  server.once('error', reject)
})
const { port } = server.address() as AddressInfo

let stopped: Promise<void> | null = null
serveParent({ url: `http://127.0.0.1:${port}` }, {}, () => {
  stopped ??= new Promise<void>((resolve) => {
    server.close(() => resolve())
    server.closeIdleConnections()
  })
  return stopped
})
