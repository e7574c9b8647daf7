const n = (v: number) => v.toLocaleString('ja-JP')

/** The month's LINE message quota (the console's home and every send that costs). */
export const quotaJa = {
  title: '今月のメッセージ通数',
  usedOf: (used: number, limit: number) => `${n(used)} / ${n(limit)} 通を使用`,
  left: (remaining: number) => `残り ${n(remaining)} 通`,
  unlimited: (used: number) => `上限なし（今月 ${n(used)} 通を使用）`,
  near: (percent: number) =>
    `今月の通数の ${percent}% を使いました。上限に達すると、配信や自動メッセージ（プッシュ）が送れなくなります。`,
  reached:
    '今月の通数の上限に達しました。来月になるかプランを変更するまで、プッシュ配信は送れません（応答メッセージは無料で送れます）。',
  unknown: '残り通数を取得できませんでした',
  unknownNote: '送信はできます。上限を超えた分は LINE が受け付けません。',
  note: '配信・自動のプッシュメッセージは1人1通として数えます（応答メッセージは無料）。',
  reload: '再読み込み',
}
export type QuotaMessages = typeof quotaJa
