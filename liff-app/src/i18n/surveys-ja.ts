/** The member survey screens' messages in Japanese (loaded with those screens). */
export const surveysJa = {
  title: 'アンケート',
  homeTitle: 'アンケート',
  homeHint: 'ご意見をお聞かせください',
  answered: '回答済み',
  notAnswered: '未回答',
  reward: 'お礼のクーポンあり',
  noneOpen: 'いま受付中のアンケートはありません。',
  required: '必須',
  optional: '任意',
  progress: (answered: number, total: number) => `必須の質問 ${answered} / ${total} 回答済み`,
  progressLabel: '回答の進み具合',
  chooseBetween: (min: number, max: number | null) =>
    max === null
      ? `${min} つ以上選んでください`
      : min === max
        ? `${min} つ選んでください`
        : `${min}〜${max} つ選んでください`,
  chooseUpTo: (max: number) => `${max} つまで選べます`,
  chooseAny: '当てはまるものをすべて選んでください',
  ratingValue: (n: number) => `${n}`,
  characters: (count: number, max: number) => `${count} / ${max} 文字`,
  tooLong: (over: number) => `${over} 文字オーバーしています`,
  clearDate: '日付を消す',
  submit: '回答を送信する',
  sending: '送信しています…',
  fixErrors: (n: number) => `入力内容を確認してください（${n} 件）`,
  draftSaved: '入力内容を一時保存しました',
  draftSaving: '一時保存しています…',
  draftFailed: '一時保存できませんでした（送信はできます）',
  draftRestored: '前回の入力内容を復元しました',
  alreadyAnswered: 'このアンケートには回答済みです',
  closed: 'このアンケートの受付は終了しました',
  thanksTitle: 'ご回答ありがとうございました',
  thanksBody: 'いただいたご意見は、お店づくりに活かしてまいります。',
  rewardTitle: 'お礼のクーポンをお届けしました',
  rewardLink: 'クーポンを見る',
  couponsLink: 'クーポン一覧へ',
  backHome: 'ホームへ戻る',
  sendFailed: '送信できませんでした。通信状況を確認して、もう一度お試しください。',
}

export type SurveysMessages = typeof surveysJa
