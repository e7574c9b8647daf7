import {
  parseMemberNumbersCsv,
  type ReachBreakdown,
  type Segment,
  type SegmentCountResponse,
  type SegmentListResponse,
} from '@joren/shared'
import { useEffect, useState } from 'preact/hooks'
import { useResource } from '../../lib/use-resource.ts'
import { RefreshIcon } from '../../ui/icons.tsx'
import { ErrorPanel } from '../components/error-panel.tsx'
import { FieldError } from '../components/field-error.tsx'
import { useStaff } from '../context.ts'
import { href } from '../paths.ts'
import type { AudienceChoice } from './draft.ts'
import { broadcastText } from './messages.ts'
import { staffMessagingEn } from '../../i18n/staff-messaging-en.ts'
import { staffMessagingJa } from '../../i18n/staff-messaging-ja.ts'
import { locale } from '../messages.ts'

interface Props {
  value: AudienceChoice
  error: string | undefined
  /** Who the whole draft would reach (from the estimate), when known. */
  sendable: number | null
  /** Why fewer than the audience are reached (from the estimate), when known. */
  reach?: ReachBreakdown | null
  onChange(value: AudienceChoice): void
  /** The chosen segment's counted sample, for the preview's sample member. */
  onSample(sample: SegmentCountResponse['sample']): void
}

/** Counts of every segment, fetched together (each count is one indexed query). */
function useSegmentCounts(segments: Segment[] | undefined, round: number) {
  const { api } = useStaff()
  const [counts, setCounts] = useState<Record<number, SegmentCountResponse | 'error'>>({})
  const ids = segments?.map((s) => `${s.id}:${s.updatedAt}`).join(',') ?? ''
  useEffect(() => {
    if (!segments) return
    const controller = new AbortController()
    setCounts({})
    for (const segment of segments) {
      api
        .send<SegmentCountResponse>(
          'POST',
          '/api/staff/segments/count',
          { rules: segment.rules },
          { signal: controller.signal },
        )
        .then(
          (count) =>
            !controller.signal.aborted && setCounts((c) => ({ ...c, [segment.id]: count })),
          () => !controller.signal.aborted && setCounts((c) => ({ ...c, [segment.id]: 'error' })),
        )
    }
    return () => controller.abort()
    // `ids` stands for the list's content: a new array with the same segments is no change.
  }, [ids, round])
  return counts
}

/** A segment (built-in or saved, with its live count), every consenting friend, or a CSV. */
export function AudiencePicker({ value, error, sendable, reach, onChange, onSample }: Props) {
  const { api, can } = useStaff()
  const m = broadcastText().composer
  const [round, setRound] = useState(0)
  const segments = useResource(
    (signal) => api.get<SegmentListResponse>('/api/staff/segments', { signal }),
    `segments:${round}`,
  )
  const counts = useSegmentCounts(segments.data?.segments, round)
  const chosen = value.kind === 'segment' ? value.segmentId : null
  const chosenCount = chosen === null ? undefined : counts[chosen]
  useEffect(() => {
    if (chosenCount && chosenCount !== 'error') onSample(chosenCount.sample)
  }, [chosenCount, onSample])

  const builder = can('segments.read') ? { path: '/segments' } : undefined
  const builtIns = segments.data?.segments.filter((s) => s.builtIn !== null) ?? []
  const saved = segments.data?.segments.filter((s) => s.builtIn === null) ?? []

  const segmentOption = (segment: Segment) => {
    const count = counts[segment.id]
    return (
      <label class="bc-option" key={segment.id}>
        <input
          type="radio"
          name="bc-segment"
          value={String(segment.id)}
          checked={chosen === segment.id}
          onChange={() => onChange({ kind: 'segment', segmentId: segment.id })}
        />
        <span class="grow">{segment.name}</span>
        <span class="bc-count-pill">
          {count === undefined
            ? m.counting
            : count === 'error'
              ? '—'
              : broadcastText().count(count.sendableCount)}
        </span>
      </label>
    )
  }

  return (
    <div class="stack">
      <div class="bc-tabs" role="radiogroup" aria-label={broadcastText().composer.stepAudience}>
        <label class="bc-tab">
          <input
            type="radio"
            name="bc-audience"
            checked={value.kind === 'segment'}
            onChange={() => onChange({ kind: 'segment', segmentId: null })}
          />
          <span>{m.audienceSegment}</span>
        </label>
        <label class="bc-tab">
          <input
            type="radio"
            name="bc-audience"
            checked={value.kind === 'all'}
            onChange={() => onChange({ kind: 'all' })}
          />
          <span>{m.audienceAll}</span>
        </label>
        <label class="bc-tab">
          <input
            type="radio"
            name="bc-audience"
            checked={value.kind === 'members'}
            onChange={() =>
              onChange({ kind: 'members', memberNumbers: [], invalid: [], fileName: '' })
            }
          />
          <span>{m.audienceCsv}</span>
        </label>
      </div>

      {value.kind === 'segment' &&
        (segments.error && !segments.data ? (
          <ErrorPanel error={segments.error} onRetry={segments.reload} />
        ) : !segments.data ? (
          <span class="skel" style="height:120px" />
        ) : (
          <fieldset class="bc-fieldset stack-sm" data-testid="segment-options">
            <legend class="field-label">{m.segmentChoose}</legend>
            <div class="bc-segment-head">
              <span class="muted small grow">{m.liveCount}</span>
              <button
                class="btn btn-secondary btn-sm"
                type="button"
                onClick={() => setRound((r) => r + 1)}
              >
                <RefreshIcon size={18} />
                {m.reloadSegments}
              </button>
            </div>
            {builtIns.length > 0 && <p class="small muted">{m.segmentBuiltIn}</p>}
            {builtIns.map(segmentOption)}
            {saved.length > 0 && <p class="small muted">{m.segmentSaved}</p>}
            {saved.map(segmentOption)}
            {segments.data.segments.length === 0 && <p class="muted">{m.segmentsEmpty}</p>}
            {builder && (
              <a
                class="btn btn-secondary self-start"
                href={href(builder.path.replace(/\/:.*$/, ''))}
              >
                {m.buildSegment}
              </a>
            )}
          </fieldset>
        ))}

      {value.kind === 'members' && <CsvPicker value={value} onChange={onChange} />}

      <FieldError id="audience-error" message={error} />
      <p class="muted small">{m.audienceHelp}</p>
      {sendable !== null && (
        <p class="bc-sendable" role="status" data-testid="audience-sendable">
          {m.sendable(sendable)}
        </p>
      )}
      {reach && <ReachExplanation reach={reach} />}
    </div>
  )
}

function CsvPicker(props: {
  value: Extract<AudienceChoice, { kind: 'members' }>
  onChange(value: AudienceChoice): void
}) {
  const m = broadcastText().composer
  const [reading, setReading] = useState(false)
  const read = async (file: File | undefined) => {
    if (!file) return
    setReading(true)
    try {
      const parsed = parseMemberNumbersCsv(await file.text())
      props.onChange({ kind: 'members', ...parsed, fileName: file.name })
    } finally {
      setReading(false)
    }
  }
  const { memberNumbers, invalid, fileName } = props.value
  return (
    <div class="stack-sm">
      <label class="field-label" for="bc-csv">
        {m.csvFile}
      </label>
      <input
        id="bc-csv"
        class="input"
        type="file"
        accept=".csv,.txt,text/csv,text/plain"
        aria-describedby="bc-csv-result"
        onChange={(e) => void read(e.currentTarget.files?.[0])}
      />
      <div id="bc-csv-result" role="status" aria-busy={reading}>
        {fileName &&
          (memberNumbers.length === 0 ? (
            <p class="bc-warning">{m.csvEmpty}</p>
          ) : (
            <p class="bc-ok" data-testid="csv-recognised">
              {m.csvRead(memberNumbers.length)}
            </p>
          ))}
        {invalid.length > 0 && (
          <p class="bc-warning">{m.csvInvalid(invalid.length, invalid.slice(0, 3).join('、'))}</p>
        )}
      </div>
    </div>
  )
}

/** The composer's "segment vs reachable": how many match, how many are reached, and why not all. */
function ReachExplanation({ reach }: { reach: ReachBreakdown }) {
  const m = locale() === 'en' ? staffMessagingEn : staffMessagingJa
  const short = reach.reachable < reach.segment || reach.excluded.holdout > 0
  return (
    <div class="card stack-sm" data-testid="reach-explanation">
      <p class="small" data-testid="reach-summary">
        <strong>
          {short ? m.reachTitle(reach.segment, reach.reachable) : m.reachAll(reach.segment)}
        </strong>
      </p>
      {reach.reasons.length > 0 && (
        <ul class="small muted" data-testid="reach-reasons">
          {reach.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      )}
      {!reach.frequencyCapApplies && <p class="small muted">{m.reachCapNote}</p>}
    </div>
  )
}
