import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface JorenProcess {
  child: ChildProcess
  url: string
  output(): string
  exited: Promise<number | null>
}

/** Runs the real `npm start` entry (server/src/entry/node.ts) as a child process. */
export async function spawnJoren(env: Record<string, string>): Promise<JorenProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/entry/node.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Joren did not start:\n${output}`)), 60_000)
    const onData = () => {
      const match = /(?:running on|open) (http:\/\/[^\s]+?)(?:\/sandbox)?(?:\s|$)/.exec(output)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout?.on('data', onData)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`Joren exited with ${code}:\n${output}`))
    })
  })
  return { child, url, output: () => output, exited }
}
