import type { FaqEntry, FaqEntryInput, KeywordRule, KeywordRuleInput } from '@joren/shared'

/** FAQ entries as the domain sees them; implemented in db/repositories/faq-repository.ts. */
export interface FaqStore {
  /**
   * Changes whenever an entry is created, edited, enabled / disabled or deleted (count and the
   * newest updated_at; every write moves updated_at past the newest), so a cached index knows
   * when to rebuild without reading the entries.
   */
  version(): Promise<string>
  listEnabled(): Promise<FaqEntry[]>
  list(): Promise<FaqEntry[]>
  find(id: number): Promise<FaqEntry | null>
  create(input: FaqEntryInput, now: number): Promise<FaqEntry>
  /** null when there is no such entry. */
  update(id: number, input: FaqEntryInput, now: number): Promise<FaqEntry | null>
  remove(id: number): Promise<boolean>
}

/** Keyword rules; implemented in db/repositories/keyword-rule-repository.ts. */
export interface KeywordRuleStore {
  /** Enabled rules in the order they are tried: priority (high first), then oldest first. */
  listEnabled(): Promise<KeywordRule[]>
  list(): Promise<KeywordRule[]>
  find(id: number): Promise<KeywordRule | null>
  create(input: KeywordRuleInput, now: number): Promise<KeywordRule>
  update(id: number, input: KeywordRuleInput, now: number): Promise<KeywordRule | null>
  remove(id: number): Promise<boolean>
}
