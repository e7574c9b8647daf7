import type { JourneyTrigger } from '@joren/shared'

const n = (value: number) => value.toLocaleString('ja-JP')

/** The journeys screen (ジャーニー), in Japanese first. */
export const journeysJa = {
  title: 'ジャーニー（自動配信）',
  intro:
    '友だち追加・誕生日・休眠・購入後・購入周期・ランクアップをきっかけに、決まったタイミングでお客様へ自動でメッセージを送ります。テンプレートは最初はすべてオフです。',
  cost: {
    title: '料金について',
    body: 'ジャーニーのメッセージはプッシュ配信です。1ステップ＝お客様1人につき1通として、LINE の月間メッセージ通数に数えられます（無料通数を超えると有料）。友だち追加直後のあいさつは応答メッセージなので無料で、ジャーニーには含まれません。',
    perMember: (steps: number) => `1人あたり最大 ${n(steps)}通`,
    sent: (count: number) => `これまでの送信 ${n(count)}通`,
  },
  policy: {
    title: 'ジャーニーの配信ルール',
    summary: (start: string, end: string, cap: number) =>
      `${start}〜${end} は送らず ${end} に送ります・1人あたり週 ${cap === 0 ? '上限なし' : `${n(cap)}通まで`}`,
    quietStart: '送らない時間帯（開始）',
    quietEnd: '送らない時間帯（終了）',
    weeklyCap: '1人あたり週の上限（通、0＝上限なし）',
    edit: '変更',
    save: '保存',
    cancel: 'キャンセル',
    saved: '配信ルールを保存しました',
  },
  list: {
    empty: 'ジャーニーはまだありません。',
    on: 'オン',
    off: 'オフ',
    switchLabel: (name: string) => `${name}を配信する`,
    template: 'テンプレート',
    entered: '参加',
    active: '進行中',
    heldOut: '効果測定で除外',
    converted: '購入につながった',
  },
  enable: {
    title: 'このジャーニーをオンにしますか？',
    body: (name: string, steps: number) =>
      `「${name}」の条件に合うお客様へ、自動でプッシュ配信が始まります（1人あたり最大 ${n(steps)}通、月間通数に数えられます）。配信ルールの時間帯と週の上限は守られます。`,
    confirm: 'オンにする',
    enabled: (name: string) => `「${name}」をオンにしました`,
    disabled: (name: string) => `「${name}」をオフにしました`,
  },
  lift: {
    title: (days: number) => `効果（参加から${n(days)}日以内のご購入、除外したお客様との比較）`,
    rates: (entered: string, heldOut: string) => `購入率 参加 ${entered} ／ 除外 ${heldOut}`,
    difference: (diff: string, low: string, high: string) =>
      `差 ${diff}ポイント（95%の範囲 ${low}〜${high}）`,
    revenue: (yen: string) => `1人あたり売上の差 ${yen}`,
    none: 'まだ比べられるお客様がいません。',
  },
  steps: {
    caption: 'ステップごとの結果',
    step: 'ステップ',
    wait: '待ち',
    entered: '到達',
    sent: '送信',
    skipped: '見送り',
    deferred: '夜間の後送り',
    converted: '購入',
    number: (i: number) => `${i + 1}`,
  },
  wait: (days: number, hours: number, at: string | null) =>
    [
      days > 0 ? `${n(days)}日後` : at === null && hours === 0 ? 'すぐ' : '',
      hours > 0 && at === null ? `${n(hours)}時間後` : '',
      at !== null ? `${days > 0 ? '' : '当日'} ${at}` : '',
    ]
      .join('')
      .trim(),
  trigger: (trigger: JourneyTrigger): string => {
    switch (trigger.kind) {
      case 'follow':
        return trigger.includeRefollow ? '友だち追加（ブロック解除も）' : '友だち追加'
      case 'birthday':
        return trigger.daysBefore === 0 ? '誕生日当日' : `誕生日の${n(trigger.daysBefore)}日前`
      case 'dormant':
        return `最後のご購入から${n(trigger.days)}日`
      case 'after_purchase':
        return trigger.minAmountYen === null
          ? 'ご購入後'
          : `${n(trigger.minAmountYen)}円以上のご購入後`
      case 'purchase_cycle':
        return `いつもの購入間隔＋${n(trigger.marginDays)}日`
      case 'tier_up':
        return 'ランクアップ'
    }
  },
  reasons: {
    quiet_hours: '夜間',
    frequency_cap: '週の上限',
    condition: '条件外',
    no_consent: '配信の同意なし',
    coupon_unavailable: 'クーポン発行不可',
    unknown: 'その他',
  } as Record<string, string>,
  timeline: {
    title: 'ジャーニー',
    empty: 'この会員のジャーニーはまだありません。',
    step: (i: number) => `ステップ${i + 1}`,
    kinds: {
      entered: '開始',
      held_out: '効果測定のため送らない（除外）',
      sent: '送信',
      skipped: '見送り',
      deferred: '後送り',
      due: '予定',
      exited: '終了',
      completed: '完了',
    } as Record<string, string>,
    exitReasons: {
      converted: 'ご購入',
      blocked: 'ブロック',
      no_consent: '配信の同意なし',
      left_audience: '対象外になった',
      journey_off: 'ジャーニーをオフ',
    } as Record<string, string>,
  },
}

export type JourneysMessages = typeof journeysJa
