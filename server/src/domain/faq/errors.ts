import { DomainError } from '../errors.ts'

export class FaqEntryNotFound extends DomainError {
  constructor() {
    super(404, 'faq_entry_not_found', 'FAQ が見つかりません。削除された可能性があります。')
  }
}

export class KeywordRuleNotFound extends DomainError {
  constructor() {
    super(
      404,
      'keyword_rule_not_found',
      'キーワードルールが見つかりません。削除された可能性があります。',
    )
  }
}
