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
    title: '配信ルール（ジャーニー・一斉配信）',
    scope:
      'ジャーニーと一斉配信の両方に適用されます。一斉配信は送らない時間帯に送信すると終了時刻に配信し、上限に達した方には送りません。レシートや返信などのお知らせは対象外です。',
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
      case 'points_expiring':
        return `ポイント失効の${n(trigger.daysBefore)}日前`
      case 'coupon_expiring':
        return `未使用クーポンの期限${n(trigger.daysBefore)}日前`
      case 'tier_drop':
        return `ランクが下がる${n(trigger.daysBefore)}日前`
      case 'survey_low_score':
        return 'アンケートの低い評価をスタッフへ'
      case 'survey_answered':
        return trigger.npsAtMost === null && trigger.ratingAtMost === null
          ? 'アンケート回答'
          : 'アンケートで低い評価'
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
  editor: {
    edit: '編集',
    editLabel: (name: string) => `${name}を編集`,
    newJourney: '新しいジャーニー',
    titleNew: 'ジャーニーを作る',
    titleEdit: 'ジャーニーを編集',
    back: 'ジャーニー一覧へ',
    name: '名前',
    trigger: 'きっかけ',
    triggerKinds: {
      follow: '友だち追加',
      birthday: '誕生日',
      dormant: '休眠（ご購入が途絶えた）',
      after_purchase: 'ご購入後',
      purchase_cycle: 'いつもの購入間隔を過ぎた',
      tier_up: 'ランクアップ',
      points_expiring: 'ポイントの失効が近い',
      coupon_expiring: '未使用クーポンの期限が近い',
      tier_drop: 'ランクが下がりそう（ご購入がなければ）',
      survey_low_score: 'アンケートの低い評価（スタッフへ通知）',
      survey_answered: 'アンケートの回答・低い評価',
    } as Record<string, string>,
    expiryDaysBefore: '期限の何日前',
    surveyTrigger: '対象のアンケート',
    anySurvey: 'すべてのアンケート',
    npsAtMost: 'NPS がこの値以下のときだけ（0〜10、空欄＝条件なし）',
    ratingAtMost: '評価がこの値以下のときだけ（1〜5、空欄＝条件なし）',
    lowScoreFromSurvey:
      '低い評価の基準は、アンケートごとの通知の基準（NPS・評価）を使います。同じ回答への通知はアンケートの通知と合わせて1件です。',
    includeRefollow: 'ブロック解除後の再追加でも始める',
    daysBefore: '誕生日の何日前（0＝当日）',
    dormantDays: '最後のご購入から何日',
    minAmountYen: 'この金額以上のご購入のみ（円、空欄＝すべて）',
    categories: 'このカテゴリーのご購入のみ（読点・カンマ区切り、空欄＝すべて）',
    marginDays: 'いつもの間隔から何日過ぎたら',
    minPurchases: '何回以上ご購入のお客様',
    goal: 'ゴール',
    goalPurchase: 'ご購入で終了（購入につながったら以降は送らない）',
    goalNone: '最後のステップまで送る',
    goalDays: '効果を測る期間（日）',
    holdout: '効果測定のため送らないお客様の割合（%）',
    priority: '優先度（0〜100、同時に届くとき高いほうを先に）',
    steps: 'ステップ',
    stepN: (i: number) => `ステップ${i + 1}`,
    addStep: 'ステップを追加',
    removeStep: (i: number) => `ステップ${i + 1}を削除`,
    moveStepUp: (i: number) => `ステップ${i + 1}を上へ`,
    moveStepDown: (i: number) => `ステップ${i + 1}を下へ`,
    maxSteps: 'ステップは10個までです。',
    waitMode: '送るタイミング',
    waitAt: '○日後の決まった時刻（お店の時間）',
    waitAfter: '○日○時間後',
    waitBase: (first: boolean): string => (first ? 'きっかけから' : '前のステップから'),
    days: '日後',
    hours: '時間後',
    at: '時刻',
    condition: '送る条件',
    conditions: {
      always: 'いつも送る',
      purchased_since_start: '開始後にご購入があったお客様だけ',
      not_purchased_since_start: '開始後にご購入がないお客様だけ',
    } as Record<string, string>,
    messages: 'メッセージ',
    survey: 'アンケートのリンク（メッセージのあとに送ります）',
    noSurvey: 'なし',
    save: '保存',
    saving: '保存中…',
    saved: (name: string) => `「${name}」を保存しました`,
    fix: '入力内容を確認してください。',
    preview: '会員に届く内容を見る',
    previewHelp:
      '会員番号を入れると、そのお客様の名前・ポイント・ランクを差し込んだ内容を表示します（送信はされず、クーポンも発行されません）。',
    memberNumber: '会員番号',
    showPreview: 'この会員で表示',
    previewOf: (i: number) => `ステップ${i + 1}のプレビュー`,
    previewCoupon: (title: string) => `クーポン：${title}`,
    previewEmpty: 'メッセージがありません。',
    notFound: 'ジャーニーが見つかりません。',
  },
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
