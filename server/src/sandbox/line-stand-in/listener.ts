import { createServer, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * The stand-in's HTTP listener on 127.0.0.1 (or the host given): listening, going unreachable and
 * back on the same port (as LINE's API might), and closing.
 */
export async function listenStandIn(listener: RequestListener, host: string, port: number) {
  const server = createServer(listener)
  const listen = (at: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(at, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  await listen(port)
  const bound = (server.address() as AddressInfo).port
  let reachable = true
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    setReachable: async (next: boolean) => {
      if (next === reachable) return
      reachable = next
      if (next) await listen(bound)
      else
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        })
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!reachable) {
          resolve()
          return
        }
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
