import { DomainError } from '../errors.ts'

export class AlreadyStaff extends DomainError {
  constructor() {
    super(409, 'already_staff', 'すでにスタッフとして登録されています。')
  }
}

export class OwnerAlreadyClaimed extends DomainError {
  constructor() {
    super(
      409,
      'owner_exists',
      'オーナーはすでに登録されています。スタッフになるには、オーナーから招待コードを受け取ってください。',
    )
  }
}

export class InvalidSetupCode extends DomainError {
  constructor() {
    super(
      400,
      'invalid_setup_code',
      'セットアップコードが正しくありません。サーバーの起動時に表示されたコードを確認してください。',
    )
  }
}

export class SetupCodeExpired extends DomainError {
  constructor() {
    super(
      400,
      'setup_code_expired',
      'セットアップコードの有効期限が切れています。サーバーを再起動すると新しいコードが表示されます。',
    )
  }
}

export class InvalidInvite extends DomainError {
  constructor() {
    super(
      400,
      'invalid_invite',
      '招待コードが正しくありません。受け取ったコードを確認してください。',
    )
  }
}

export class InviteExpired extends DomainError {
  constructor() {
    super(
      400,
      'invite_expired',
      '招待コードの有効期限が切れています。オーナーに新しいコードを発行してもらってください。',
    )
  }
}

export class InviteUsed extends DomainError {
  constructor() {
    super(
      409,
      'invite_used',
      'この招待コードはすでに使われています。オーナーに新しいコードを発行してもらってください。',
    )
  }
}

export class StaffNotFound extends DomainError {
  constructor() {
    super(404, 'staff_not_found', 'スタッフが見つかりません。')
  }
}

export class LastOwner extends DomainError {
  constructor() {
    super(
      409,
      'last_owner',
      'オーナーがいなくなるため、この操作はできません。先に別のスタッフをオーナーにしてください。',
    )
  }
}
