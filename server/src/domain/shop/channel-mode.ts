import type { SettingsStore } from './settings.ts'

export const CHANNEL_MODE_KEY = 'channel_mode'

export class ChannelModeMismatch extends Error {
  override name = 'ChannelModeMismatch'
}

/**
 * A database remembers whether it has served a real LINE channel. The sandbox lets anyone sign in
 * as its demo owner, so it must never open a real shop's data: a missing secret on a production
 * host then stops the start instead of exposing members.
 */
export async function guardChannelMode(
  settings: SettingsStore,
  sandbox: boolean,
  now: number,
): Promise<void> {
  const stored = await settings.putIfAbsent(CHANNEL_MODE_KEY, sandbox ? 'sandbox' : 'line', now)
  if (sandbox && stored === 'line')
    throw new ChannelModeMismatch(
      'This database belongs to a LINE channel and the sandbox will not open it: set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN, or point DATABASE_PATH at another file.',
    )
  if (!sandbox && stored === 'sandbox') await settings.put(CHANNEL_MODE_KEY, 'line', now)
}
