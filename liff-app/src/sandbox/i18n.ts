import type { Locale } from '@joren/shared'
import { createContext } from 'preact'
import { useContext } from 'preact/hooks'
import { SANDBOX_MESSAGES, type SandboxMessages } from './messages.ts'

const STORAGE_KEY = 'joren.sandbox.locale'

export const MessagesContext = createContext<SandboxMessages>(SANDBOX_MESSAGES.ja)

/** The page's words in the chosen display language. */
export function useT(): SandboxMessages {
  return useContext(MessagesContext)
}

/** The display language chosen earlier in this browser, else Japanese unless it is set to English. */
export function initialLocale(): Locale {
  const stored = readStorage(STORAGE_KEY)
  if (stored === 'ja' || stored === 'en') return stored
  return navigator.language.toLowerCase().startsWith('en') ? 'en' : 'ja'
}

export function storeLocale(locale: Locale): void {
  writeStorage(STORAGE_KEY, locale)
  document.documentElement.lang = locale
}

/** localStorage that tolerates being unavailable (private mode, blocked storage). */
export function readStorage(key: string): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null
  }
}

export function writeStorage(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key)
    else localStorage.setItem(key, value)
  } catch {
    // Nothing to remember then.
  }
}
