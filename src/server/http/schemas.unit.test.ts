import { describe, expect, it } from 'vitest';
import { calendarDate, optionalText, requiredText, searchText } from './schemas.ts';

const messagesOf = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.success ? [] : result.error!.issues.map((issue) => issue.message);

describe('text fields', () => {
  it.each(['a\u0000b', 'a\u0007b', 'a\u007fb', 'a\u0085b', 'a\tb', 'a\nb', 'a\rb'])('a one-line text refuses %j', (value) => {
    expect(messagesOf(requiredText(50).safeParse(value))).toEqual([
      'Must not contain control characters (such as NUL, tab or a line break)',
    ]);
    expect(searchText.safeParse(value).success).toBe(false);
  });

  it('a multi-line text keeps tab and line breaks and refuses other control characters', () => {
    expect(optionalText(50, 'lines').parse('Week 1:\r\n\tkick-off\nWeek 2')).toBe('Week 1:\r\n\tkick-off\nWeek 2');
    expect(messagesOf(optionalText(50, 'lines').safeParse('a\u0000b'))).toEqual([
      'Must not contain control characters other than tab and line breaks',
    ]);
    expect(requiredText(50, 'lines').safeParse('a\u001bb').success).toBe(false);
  });

  it('keeps what people type, in any script', () => {
    expect(requiredText(50).parse('  Zoë Ångström – 東京 🎓 ')).toBe('Zoë Ångström – 東京 🎓');
    expect(optionalText(50).parse(null)).toBeNull();
  });
});

describe('calendarDate', () => {
  it.each([
    ['1900-01-01', true],
    ['2999-12-31', true],
    ['2024-02-29', true],
    ['0000-01-01', false],
    ['1899-12-31', false],
    ['3000-01-01', false],
    ['2026-02-30', false],
    ['2026-1-5', false],
  ] as const)('%s → %s', (value, accepted) => {
    expect(calendarDate.safeParse(value).success).toBe(accepted);
  });
});
