import type { FastifySerializerCompiler } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { isDeepStrictEqual } from 'node:util';

type ResponseSchema = Parameters<typeof serializerCompiler>[0]['schema'];

/** A value that PostgreSQL already wrote as JSON (decision 009); the serializer writes its text as is. */
export class JsonText {
  constructor(readonly text: string) {}
}

/**
 * JSON text typed as the value it holds, so that a route returning it still type-checks against
 * its response schema. Only the serializer reads it, and outside production it checks the text
 * against that schema like any other response.
 */
export const jsonText = <Value>(text: string) => new JsonText(text) as unknown as Value;

/**
 * JSON text of an object with more fields added before its closing brace: `fields` is JSON text
 * too, `,"name":value…`, or empty. How a stored JSON (decision 016) gets what is read beside it.
 */
export const withFields = (objectJson: string, fields: string) => (fields ? `${objectJson.slice(0, -1)}${fields}}` : objectJson);

const isJsonTextList = (value: unknown): value is JsonText[] => Array.isArray(value) && value[0] instanceof JsonText;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;

/**
 * JSON.stringify, except that a JsonText, or a list of them, is written as its text: a response is
 * an object whose fields (at any depth) may be such values, e.g. `{ sessions: JsonText[], next_cursor }`.
 * Written in loops, not with entries, filters and maps: on a short list the allocations of those
 * were 4 % of a request (docs/performance.md, session 12).
 */
export function writeJson(value: unknown): string {
  if (value instanceof JsonText) return value.text;
  if (isJsonTextList(value)) {
    let json = '[';
    for (let index = 0; index < value.length; index += 1) json += (index ? ',' : '') + value[index]!.text;
    return `${json}]`;
  }
  if (!isPlainObject(value) || !holdsJsonText(value)) return JSON.stringify(value);
  let json = '';
  for (const key in value) {
    const field = value[key];
    // Skipped as JSON.stringify skips them.
    if (field === undefined || typeof field === 'function' || typeof field === 'symbol') continue;
    json += `${json ? ',' : ''}${JSON.stringify(key)}:${writeJson(field)}`;
  }
  return `{${json}}`;
}

function holdsJsonText(object: Record<string, unknown>): boolean {
  for (const key in object) {
    const field = object[key];
    if (field instanceof JsonText || isJsonTextList(field) || (isPlainObject(field) && holdsJsonText(field))) return true;
  }
  return false;
}

/**
 * How responses become JSON. Every response is built by a `present…()` function typed against its
 * zod schema, or written by PostgreSQL from the statement that read it, so in production it is
 * written as is: checking it against the schema again cost a quarter of the server's time on long
 * lists (docs/performance.md). Everywhere else (development, tests) each response is checked, and
 * must already be exactly what the schema lets through (no field the schema would drop, no value it
 * would change), so that what production writes is what the tests checked.
 */
export function responseSerializer({ checked }: { checked: boolean }): FastifySerializerCompiler<ResponseSchema> {
  if (!checked) return () => writeJson;
  return (route) => {
    const check = serializerCompiler(route);
    return (data) => {
      const json = writeJson(data);
      const written = JSON.parse(json) as unknown;
      const allowed = check(written);
      if (!isDeepStrictEqual(JSON.parse(allowed), written)) {
        throw new Error(`The response of ${route.method} ${route.url} differs from what its schema lets through:\n${json}\n${allowed}`);
      }
      return json;
    };
  };
}
