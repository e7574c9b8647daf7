/** The mini-app's privacy screen and registration agreement, in Japanese. */
export const privacyJa = {
  title: 'プライバシーポリシー・利用規約',
  privacyPolicy: 'プライバシーポリシー',
  terms: '利用規約',
  agreedOn: (date: string) => `${date} に同意いただきました`,
  agreeLabel: 'プライバシーポリシーと利用規約に同意します',
  agree: '同意する',
  agreed: '同意を記録しました',
  mustAgree: 'ご登録には、プライバシーポリシーと利用規約への同意が必要です',
  readLink: 'プライバシーポリシー・利用規約・データの削除',
  deletionTitle: '個人データの削除',
  deletionHelp:
    'お店が保存しているあなたの個人データ（お名前、LINEのID、プロフィール、トーク、アンケートの回答など）の削除を依頼できます。お店が確認して削除すると、残っているポイント・スタンプ・クーポンはご利用いただけなくなり、あらためて友だち追加されるまでメッセージは届きません。',
  requestDeletion: '個人データの削除を依頼する',
  confirmDeletion: '本当に依頼しますか？ お店に削除の依頼が届きます。',
  sendRequest: '依頼を送る',
  cancel: 'やめる',
  sending: '送っています…',
  requested: (date: string) => `${date} に削除を依頼しました。お店の対応をお待ちください。`,
}

export type PrivacyMemberMessages = typeof privacyJa
