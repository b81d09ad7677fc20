import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { responseSerializer } from './serializer.ts';

const route = { schema: z.object({ id: z.string(), count: z.number().int() }), method: 'GET', url: '/things/:id', httpStatus: '200' };
const serialize = (checked: boolean, data: unknown) => responseSerializer({ checked })(route)(data);

describe('responseSerializer', () => {
  it('writes a response that is exactly what its schema lets through, checked or not', () => {
    const data = { id: 'a', count: 2 };
    expect(serialize(true, data)).toBe('{"id":"a","count":2}');
    expect(serialize(false, data)).toBe('{"id":"a","count":2}');
  });

  it('refuses, when checking, a response with a field the schema would drop, or a value it does not allow', () => {
    expect(() => serialize(true, { id: 'a', count: 2, secret: 'x' })).toThrow(/differs from what its schema lets through/);
    expect(() => serialize(true, { id: 'a', count: 2.5 })).toThrow();
  });

  it('in production writes what the presenter returned, without checking it', () => {
    expect(serialize(false, { id: 'a', count: 2, extra: true })).toBe('{"id":"a","count":2,"extra":true}');
  });
});
