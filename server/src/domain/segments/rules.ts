import { builtInSegmentRules, type Segment, type SegmentUpdate } from '@joren/shared'
import {
  BuiltInSegmentNotDeletable,
  BuiltInSegmentRulesFixed,
  ThresholdsNotApplicable,
} from './errors.ts'

/*
 * The segments' own rules, apart from where they are stored: a built-in keeps its rule tree and
 * takes thresholds of its own key; a saved segment takes a rule tree and no thresholds; only
 * saved segments are deleted.
 */

/** The segment after `patch` (not yet stored), or the refusal of a patch it cannot take. */
export function updatedSegment(before: Segment, patch: SegmentUpdate, now: number): Segment {
  let after: Segment
  if (before.builtIn !== null) {
    if (patch.rules !== undefined) throw new BuiltInSegmentRulesFixed()
    if (patch.thresholds !== undefined && patch.thresholds.key !== before.builtIn)
      throw new ThresholdsNotApplicable()
    const thresholds = patch.thresholds ?? before.thresholds
    after = {
      ...before,
      thresholds,
      rules: thresholds ? builtInSegmentRules(thresholds) : before.rules,
    }
  } else {
    if (patch.thresholds !== undefined) throw new ThresholdsNotApplicable()
    after = { ...before, rules: patch.rules ?? before.rules }
  }
  return { ...after, name: patch.name ?? before.name, updatedAt: now }
}

/** A built-in segment is never deleted (its thresholds can be changed instead). */
export function assertDeletable(segment: Segment): void {
  if (segment.builtIn !== null) throw new BuiltInSegmentNotDeletable()
}
