import type { ThreadMessage } from '@joren/shared'
import { describe, expect, it } from 'vitest'
import { claimOwner, TestClock, useWorld } from '../auth/world.ts'
import { eventually } from '../support/joren-node.ts'
import { openSurvey } from '../surveys/survey-world.ts'
import { acksReceived, listConversations, settled } from './inbox-world.ts'

/**
 * The inbox reads like a conversation (issue 15, item 4): a postback or a survey tap is shown as
 * what the customer tapped (「満足」を選択), never the raw data; the list shows the customer's last
 * message (not the bot's answer); the staff alert quotes it.
 */

const clock = new TestClock()
const world = useWorld(clock)

async function thread(owner: { token(): string }, conversationId: number) {
  const res = await world.api<{ messages: ThreadMessage[] }>(
    'GET',
    `/api/staff/inbox/conversations/${conversationId}`,
    { token: owner.token() },
  )
  expect(res.status).toBe(200)
  return res.body.messages
}

describe('the inbox reads like a conversation', () => {
  it('shows taps as what the customer tapped, previews and quotes the customer’s last message', async () => {
    const owner = await claimOwner(world)
    const survey = await openSurvey(world, owner, {
      title: 'ご来店アンケート',
      intro: '',
      rewardTemplateId: null,
      questions: [
        {
          id: 'mood',
          type: 'single',
          label: '本日のご来店はいかがでしたか？',
          options: [
            { id: 'good', label: '満足' },
            { id: 'bad', label: '不満' },
          ],
        },
      ],
    })
    const hana = await world.member('花子')
    await settled(world)

    // Text the bot cannot answer: handed over; the alert quotes it, the list previews it.
    await world.standIn.sendText(hana.userId, '駐車場はありますか？')
    await settled(world)
    await eventually(() => expect(acksReceived(world, hana.userId)).toHaveLength(1))
    const [listed] = await listConversations(world, owner)
    expect(listed?.lastMessagePreview).toBe('駐車場はありますか？')
    const alerts = world.joren.rows<{ summary: string }>(
      "select summary from staff_alerts where kind = 'new_conversation'",
    )
    expect(alerts).toEqual([
      {
        summary: expect.stringMatching(
          /^花子さん（会員番号 \d{10}）から新しいお問い合わせ: ボットが答えられなかったメッセージ「駐車場はありますか？」$/,
        ),
      },
    ])

    // A rich-menu tap and a survey tap: the words the customer saw.
    const [version] = world.joren.rows<{ id: number }>(
      'select id from survey_versions where survey_id = ? order by id desc limit 1',
      survey.id,
    )
    await world.standIn.postback(hana.userId, 'action=coupons')
    await world.standIn.postback(
      hana.userId,
      `action=survey_answer&s=${survey.id}&v=${version?.id}&q=mood&a=good`,
    )
    await world.standIn.postback(hana.userId, 'action=unknown_thing&x=1')
    await settled(world)
    const taps = (await thread(owner, listed!.id))
      .filter((m) => m.direction === 'in' && m.kind === 'postback')
      .map((m) => (m.content.type === 'postback' ? m.content.label : m.content.type))
    expect(taps).toEqual(['「クーポン」を選択', '「満足」を選択', 'ボタンを選択'])
    expect(JSON.stringify(taps)).not.toContain('action=')
    const [after] = await listConversations(world, owner)
    expect(after?.lastMessagePreview).toBe('ボタンを選択')
  })
})
