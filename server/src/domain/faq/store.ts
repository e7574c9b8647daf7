import type { FaqEntry, FaqEntryInput, KeywordRule, KeywordRuleInput } from '@joren/shared'
import type { RowRef, Write } from '../unit-of-work.ts'

/**
 * FAQ entries as the domain sees them; implemented in db/repositories/faq-repository.ts. Reads
 * answer now; `…Write` methods plan one statement for a commit with its audit row.
 */
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
  createWrite(input: FaqEntryInput, now: number): Write
  /** The entry the previous insert of the same commit made: its ID and updated_at. */
  inserted(): { id: RowRef; updatedAt: RowRef }
  /** The newest entry equal to `input` (after the commit that created it). */
  latestMatching(input: FaqEntryInput): Promise<FaqEntry | null>
  /** Changes a row only when the entry exists. */
  updateWrite(id: number, input: FaqEntryInput, now: number): Write
  /** The entry's updated_at inside the commit (after its update). */
  updatedAtOf(id: number): RowRef
  /** Changes a row only when the entry exists. */
  removeWrite(id: number): Write
}

/** Keyword rules; implemented in db/repositories/keyword-rule-repository.ts. */
export interface KeywordRuleStore {
  /** Enabled rules in the order they are tried: priority (high first), then oldest first. */
  listEnabled(): Promise<KeywordRule[]>
  list(): Promise<KeywordRule[]>
  find(id: number): Promise<KeywordRule | null>
  createWrite(input: KeywordRuleInput, now: number): Write
  /** The rule the previous insert of the same commit made. */
  insertedId(): RowRef
  /** The newest rule equal to `input` (after the commit that created it). */
  latestMatching(input: KeywordRuleInput): Promise<KeywordRule | null>
  /** Changes a row only when the rule exists. */
  updateWrite(id: number, input: KeywordRuleInput, now: number): Write
  /** Changes a row only when the rule exists. */
  removeWrite(id: number): Write
}
