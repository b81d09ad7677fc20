import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JsonText, responseSerializer, writeJson } from './serializer.ts';

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

describe('JSON written by PostgreSQL', () => {
  const listRoute = {
    schema: z.object({ things: z.array(route.schema), next: z.string().nullable() }),
    method: 'GET',
    url: '/things',
    httpStatus: '200',
  };
  const serializeList = (checked: boolean, data: unknown) => responseSerializer({ checked })(listRoute)(data);

  it('is written as its text, alone, in a list or in a field, and checked against the schema like any response', () => {
    const things = [new JsonText('{"id" : "a", "count" : 2}'), new JsonText('{"id" : "b", "count" : 3}')];
    for (const checked of [true, false]) {
      expect(serializeList(checked, { things, next: null })).toBe(
        '{"things":[{"id" : "a", "count" : 2},{"id" : "b", "count" : 3}],"next":null}',
      );
      expect(serialize(checked, new JsonText('{"id":"a","count":2}'))).toBe('{"id":"a","count":2}');
    }
    expect(writeJson({ page: { things: [things[0]], skipped: undefined } })).toBe('{"page":{"things":[{"id" : "a", "count" : 2}]}}');
    expect(writeJson({ things: [] })).toBe('{"things":[]}');
  });

  it('leaves everything else as JSON.stringify writes it, at any depth beside it', () => {
    const plain = { at: new Date(0), count: 2, gone: undefined, call: () => 1, list: [1, undefined], nested: { name: 'x', empty: [] } };
    expect(writeJson(plain)).toBe(JSON.stringify(plain));
    expect(writeJson({ ...plain, things: [new JsonText('{"id" : "a"}')] })).toBe(
      `${JSON.stringify(plain).slice(0, -1)},"things":[{"id" : "a"}]}`,
    );
    expect(writeJson([{ id: 'a' }, null])).toBe('[{"id":"a"},null]');
    expect(writeJson(null)).toBe('null');
  });

  it('is refused, when checking, if the text is not what the schema lets through', () => {
    expect(() => serializeList(true, { things: [new JsonText('{"id":"a","count":2,"secret":"x"}')], next: null })).toThrow(
      /differs from what its schema/,
    );
    expect(() => serializeList(true, { things: [new JsonText('{"id":"a","count":"2"}')], next: null })).toThrow();
  });
});
