/** The console's data-rights texts in Japanese (member page card, settings card). */
export const privacyJa = {
  card: {
    title: '個人データ（個人情報保護法）',
    intro:
      'ご本人から開示や削除の請求があったときに使います。書き出しも削除も記録（操作履歴）に残ります。',
    exportJson: 'すべて書き出す（JSON）',
    exportCsv: 'CSVで書き出す',
    table: '表',
    tables: {
      profile: 'プロフィール',
      purchases: 'お買い物',
      points: 'ポイント履歴',
      stamps: 'スタンプ履歴',
      coupons: 'クーポン',
      surveyAnswers: 'アンケート回答',
      conversation: 'トーク',
      faqQuestions: 'よくある質問への質問',
      journeys: 'ステップ配信',
      referrals: '友だち紹介',
      consent: 'お知らせの受け取り設定',
      agreements: '規約への同意',
      attributes: '属性',
      tags: 'タグ',
      notes: 'スタッフメモ',
    },
    downloaded: '書き出しました',
    eraseTitle: '個人データを削除',
    eraseHelp:
      '名前、LINEのID、プロフィール、トーク、アンケートの自由回答、メモなどを消し、今後この方にメッセージを送りません。お買い物の金額やポイントの数などの集計は、名前のない記録として残ります。元には戻せません。',
    confirmLabel: '確認のため、会員番号（10桁）を入力してください',
    erase: '個人データを削除する',
    erasing: '削除しています…',
    erased: (n: number) =>
      n > 0
        ? `個人データを削除しました（送信待ちのメッセージ${n}件を取り消しました）`
        : '個人データを削除しました',
    alreadyErased: (date: string) => `${date} に個人データを削除済みです`,
  },
  docs: {
    title: 'プライバシーポリシー・利用規約',
    intro:
      '会員ページに表示し、登録のときに同意をいただく文面です。利用目的（個人情報保護法で定められた項目）は必ず書いてください。変更すると、次に会員ページを開いたお客様に改めて同意をお願いします。',
    privacyPolicy: 'プライバシーポリシー',
    terms: '利用規約',
    version: (v: string) => `版: ${v}`,
    save: '保存する',
    saving: '保存しています…',
    saved: 'プライバシーポリシーと利用規約を保存しました',
    readOnly: '編集できるのはオーナーだけです。',
  },
  shopExport: {
    title: 'お店のデータを書き出す',
    intro:
      'バックアップや他のサービスへの移行のために、表ごとに CSV（Excel で開けます）で書き出します。',
    tables: {
      members: '会員',
      purchases: 'お買い物',
      points: 'ポイント履歴',
      coupons: 'クーポン',
      responses: 'アンケート回答',
    },
  },
}

export type PrivacyMessages = typeof privacyJa
