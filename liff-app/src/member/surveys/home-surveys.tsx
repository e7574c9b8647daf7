import type { MemberSurveyList } from '@joren/shared'
import { useResource } from '../../lib/use-resource.ts'
import { ChevronRightIcon } from '../../ui/icons.tsx'
import type { Api } from '../../lib/api-client.ts'
import { href } from '../paths.ts'
import { surveyText } from './survey-text.ts'

/**
 * The open surveys on the home screen, each a link to its page; answered ones are marked. Nothing
 * shows while there are none (or when the list cannot be loaded: the menu still works).
 */
export function HomeSurveys({ api }: { api: Api }) {
  const m = surveyText()
  const list = useResource(
    (signal) => api.get<MemberSurveyList>('/api/liff/surveys', { signal }),
    'surveys',
  )
  const surveys = list.data?.surveys ?? []
  if (surveys.length === 0) return null
  return (
    <section class="sv-home" aria-labelledby="sv-home-title" data-testid="home-surveys">
      <h2 id="sv-home-title" class="sv-home-title">
        {m.homeTitle}
      </h2>
      <ul class="tiles">
        {surveys.map((survey) => (
          <li key={survey.id}>
            <a class="tile" href={href(`/surveys/${survey.id}`)}>
              <span class="tile-icon" aria-hidden="true">
                <svg width="26" height="26" viewBox="0 0 24 24" fill="none" stroke="currentColor">
                  <rect x="5" y="3.5" width="14" height="17" rx="2" stroke-width="1.8" />
                  <path d="M8.5 9h7M8.5 12.5h7M8.5 16h4" stroke-width="1.8" />
                </svg>
              </span>
              <span class="tile-text">
                <strong>{survey.title}</strong>
                <span class="sv-home-meta">
                  <span class={survey.answered ? 'sv-badge sv-badge-done' : 'sv-badge'}>
                    {survey.answered ? m.answered : m.notAnswered}
                  </span>
                  {survey.reward && !survey.answered && <span>{m.reward}</span>}
                </span>
              </span>
              <ChevronRightIcon size={20} />
            </a>
          </li>
        ))}
      </ul>
    </section>
  )
}
