/** Survey answers as lines a person reads: 「質問 → 回答」, option IDs shown as their labels. */

interface QuestionLike {
  id: string
  label: string
  type: string
  options?: { id: string; label: string }[]
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return null
  }
}

export function readableAnswers(
  questionsJson: string,
  answersJson: string,
): { question: string; answer: string }[] {
  const questions = parseJson(questionsJson)
  const answers = parseJson(answersJson)
  if (!Array.isArray(questions) || !answers || typeof answers !== 'object') return []
  const byId = answers as Record<string, unknown>
  const lines: { question: string; answer: string }[] = []
  for (const raw of questions as QuestionLike[]) {
    if (!raw || typeof raw.id !== 'string') continue
    const value = byId[raw.id]
    if (value === undefined || value === null || value === '') continue
    const label = (id: unknown) =>
      raw.options?.find((o) => o.id === id)?.label ?? (typeof id === 'string' ? id : String(id))
    let answer: string
    if (Array.isArray(value)) answer = value.map(label).join('、')
    else if (raw.type === 'single') answer = label(value)
    else if (raw.type === 'rating') answer = `★${String(value)}`
    else answer = String(value)
    lines.push({ question: String(raw.label), answer })
  }
  return lines
}
