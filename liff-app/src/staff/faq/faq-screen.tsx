import { useState } from 'preact/hooks'
import { usePlace } from '../../lib/use-place.ts'
import { useStaff } from '../context.ts'
import { PageHeader } from '../components/page-header.tsx'
import { supportText } from '../support/support-messages.ts'
import { BASE, href } from '../paths.ts'
import { CannedReplies } from './canned-replies.tsx'
import { FaqEntries } from './faq-entries.tsx'
import { FaqStarter } from './faq-starter.tsx'
import { FaqTry } from './faq-try.tsx'
import { FaqUnanswered } from './faq-unanswered.tsx'
import { KeywordRules } from './keyword-rules.tsx'

const TABS = ['faq', 'unanswered', 'rules', 'canned'] as const
type Tab = (typeof TABS)[number]

/** What the bot answers by itself (FAQ, keyword rules) and the staff's canned replies. */
export default function FaqScreen() {
  const m = supportText().faq
  const { can } = useStaff()
  const [round, setRound] = useState(0)
  const { search } = usePlace(BASE)
  const asked = search.get('tab')
  const tab: Tab = (TABS as readonly string[]).includes(asked ?? '') ? (asked as Tab) : 'faq'
  const labels: Record<Tab, string> = {
    faq: m.tabFaq,
    unanswered: supportText().learn.tabUnanswered,
    rules: m.tabRules,
    canned: m.tabCanned,
  }
  return (
    <div class="stack">
      <PageHeader title={m.title} intro={m.intro} />
      <nav class="tabs" aria-label={m.tabs}>
        {TABS.map((name) => (
          <a
            key={name}
            class="tab"
            href={href(name === 'faq' ? '/faq' : `/faq?tab=${name}`)}
            aria-current={tab === name ? 'page' : undefined}
          >
            {labels[name]}
          </a>
        ))}
      </nav>
      {tab === 'faq' && (
        <>
          <FaqTry />
          {can('support.manage') && <FaqStarter onAdded={() => setRound((r) => r + 1)} />}
          <FaqEntries key={round} />
        </>
      )}
      {tab === 'unanswered' && <FaqUnanswered />}
      {tab === 'rules' && <KeywordRules />}
      {tab === 'canned' && <CannedReplies />}
    </div>
  )
}
