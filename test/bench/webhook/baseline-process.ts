/**
 * Bench child: the baseline LINE documents for a bot — Express, the SDK's signature middleware and
 * an echo reply sent inline before answering the webhook (line-bot-sdk-nodejs, examples/echo-bot).
 * The SDK is the server workspace's pinned @line/bot-sdk (11.2.0, a dev dependency: Joren itself
 * uses only its types), installed at the repository root.
 */
import express from 'express'
import type { AddressInfo } from 'node:net'
import { messagingApi, middleware, type webhook } from '@line/bot-sdk'
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
