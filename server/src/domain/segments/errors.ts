import { DomainError } from '../errors.ts'

export class SegmentNotFound extends DomainError {
  constructor() {
    super(404, 'segment_not_found', 'セグメントが見つかりません。削除された可能性があります。')
  }
}

export class BuiltInSegmentNotDeletable extends DomainError {
  constructor() {
    super(409, 'built_in_segment', '標準のセグメントは削除できません。条件の値は変更できます。')
  }
}

export class BuiltInSegmentRulesFixed extends DomainError {
  constructor() {
    super(
      400,
      'built_in_segment_rules',
      '標準のセグメントは条件の組み立てを変えられません。しきい値（日数・回数など）を変更してください。',
      [{ path: 'rules', message: '標準のセグメントでは条件を直接変更できません' }],
    )
  }
}

export class ThresholdsNotApplicable extends DomainError {
  constructor() {
    super(400, 'thresholds_not_applicable', 'このセグメントにはしきい値を設定できません。', [
      { path: 'thresholds', message: 'このセグメントのしきい値ではありません' },
    ])
  }
}

/** Deleting it would leave a broadcast with nobody to send to. */
export class SegmentInUse extends DomainError {
  constructor(titles: string[]) {
    const names = titles
      .slice(0, 3)
      .map((t) => `「${t}」`)
      .join('、')
    const more = titles.length > 3 ? `ほか${titles.length - 3}件` : ''
    super(
      409,
      'segment_in_use',
      `このセグメントは配信${names}${more}で使われているため削除できません。配信の対象を変えるか、配信を中止してから削除してください。`,
      undefined,
      { broadcasts: titles.length },
    )
  }
}
