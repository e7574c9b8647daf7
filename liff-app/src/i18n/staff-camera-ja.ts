/** The register's camera scan (browser): what staff see while scanning and when it cannot. */
export const staffCameraJa = {
  open: 'カメラで読み取る',
  close: 'カメラを閉じる',
  video: 'カメラの映像',
  starting: 'カメラを起動しています…',
  looking: 'QRコードを枠の中に写してください。',
  problem: {
    denied:
      'カメラの使用が許可されていません。ブラウザのサイト設定でカメラを許可するか、番号・コードを入力してください。',
    absent: 'この端末ではカメラが見つかりません。番号・コードを入力してください。',
    busy: 'カメラを起動できませんでした（ほかのアプリが使用中の可能性があります）。番号・コードを入力してください。',
    insecure: 'カメラは https で開いた画面でのみ使えます。番号・コードを入力してください。',
    failed: 'カメラを起動できませんでした。番号・コードを入力してください。',
  },
}

export type StaffCameraMessages = typeof staffCameraJa
