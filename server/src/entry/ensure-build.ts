import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { APPS_DIST } from './static-node.ts'

/**
 * `npm start`'s first step: the mini-app and staff screens are built once (`npm run build`), not on
 * every start. Only when no build is there (a fresh clone) is it built now.
 */
if (!existsSync(`${APPS_DIST}index.html`) && !existsSync(`${APPS_DIST}liff/index.html`)) {
  process.stdout.write('No build of the apps yet: running npm run build once.\n')
  const result = spawnSync('npm', ['run', 'build'], {
    stdio: 'inherit',
    shell: process.platform === 'win32',
  })
  if (result.status !== 0) process.exit(result.status ?? 1)
}
