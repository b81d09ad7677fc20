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

const isJsonTextList = (value: unknown): value is JsonText[] => Array.isArray(value) && value[0] instanceof JsonText;

/**
 * JSON.stringify, except that a JsonText, or a list of them, is written as its text: a response is
 * an object whose fields (at any depth) may be such values, e.g. `{ sessions: JsonText[], next_cursor }`.
 */
export function writeJson(value: unknown): string {
  if (value instanceof JsonText) return value.text;
  if (isJsonTextList(value)) return `[${value.map((item) => item.text).join(',')}]`;
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !holdsJsonText(value)) return JSON.stringify(value);
  const fields = Object.entries(value).filter(([, field]) => field !== undefined);
  return `{${fields.map(([key, field]) => `${JSON.stringify(key)}:${writeJson(field)}`).join(',')}}`;
}

function holdsJsonText(object: object): boolean {
  return Object.values(object).some(
    (field) => field instanceof JsonText || isJsonTextList(field) || (field !== null && typeof field === 'object' && !Array.isArray(field) && holdsJsonText(field)),
  );
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
