import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import { decodeCursor, encodeCursor, isCursorTimestamp, type SortKind } from './paging.ts';

const id = '0b7e6a1c-3f2d-4c5b-9a8e-1d2c3b4a5f60';
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function refusal(value: string, kind: SortKind) {
  try {
    decodeCursor(value, kind);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('decodeCursor', () => {
  it.each([
    ['timestamp', '2026-12-07 10:11:12.123456+00'],
    ['timestamp', '2026-12-07 10:11:12+05:30'],
    ['timestamp', '1999-02-28 23:59:59.5-03'],
    ['timestamp', '2026-12-07T10:11:12.123Z'],
    ['name', 'Northwind University'],
    ['name', ''],
  ] as const)('reads back a %s cursor it wrote: %j', (kind, sortValue) => {
    expect(decodeCursor(encodeCursor({ sortValue, id }), kind)).toEqual({ sortValue, id });
  });

  it('reads no cursor as the first page', () => {
    expect(decodeCursor(undefined, 'name')).toBeUndefined();
    expect(decodeCursor('', 'timestamp')).toBeUndefined();
  });

  it.each([
    ['the issue’s forgery ["x","y"]', 'WyJ4IiwieSJd', 'name'],
    ['not base64 JSON', 'not-a-cursor', 'name'],
    ['an object', cursorOf({ sortValue: 'a', id }), 'name'],
    ['three items', cursorOf(['a', id, 'b']), 'name'],
    ['a number for a name', cursorOf([1, id]), 'name'],
    ['an id that is no UUID', cursorOf(['a', 'y']), 'name'],
    ['a NUL in the name', cursorOf(['a\u0000b', id]), 'name'],
    ['a name of 1001 characters', cursorOf(['a'.repeat(1001), id]), 'name'],
    ['a name where a timestamp belongs', cursorOf(['Northwind', id]), 'timestamp'],
    ['year 0', cursorOf(['0000-01-01 00:00:00+00', id]), 'timestamp'],
    ['30 February', cursorOf(['2026-02-30 00:00:00+00', id]), 'timestamp'],
    ['hour 24', cursorOf(['2026-02-01 24:00:00+00', id]), 'timestamp'],
    ['a huge cursor', 'A'.repeat(8001), 'name'],
  ] as const)('refuses %s with 400 pagination.invalid_cursor naming querystring.cursor', (_label, value, kind) => {
    const error = refusal(value, kind);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      status: 400,
      code: 'pagination.invalid_cursor',
      details: { fields: [{ path: 'querystring.cursor' }] },
    });
  });
});

describe('isCursorTimestamp', () => {
  it.each([
    ['2024-02-29 00:00:00+00', true],
    ['2023-02-29 00:00:00+00', false],
    ['0001-01-01 00:00:00+00', true],
    ['2026-12-07 10:11:12.1234567+00', false],
    ['2026-12-07', false],
    ['2026-12-07 10:11:12 BC', false],
    ['2026-12-07 10:11:12+05:53:28', true],
  ] as const)('%s → %s', (value, expected) => {
    expect(isCursorTimestamp(value)).toBe(expected);
  });
});
