import type { FastifySerializerCompiler } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { isDeepStrictEqual } from 'node:util';

type ResponseSchema = Parameters<typeof serializerCompiler>[0]['schema'];

/**
 * How responses become JSON. Every response is built by a `present…()` function typed against its
 * zod schema, so in production it is written with JSON.stringify as is: checking it against the
 * schema again cost a quarter of the server's time on long lists (docs/performance.md). Everywhere
 * else (development, tests) each response is checked, and must already be exactly what the schema
 * lets through (no field the schema would drop, no value it would change), so that what production
 * writes is what the tests checked.
 */
export function responseSerializer({ checked }: { checked: boolean }): FastifySerializerCompiler<ResponseSchema> {
  if (!checked) return () => (data) => JSON.stringify(data);
  return (route) => {
    const check = serializerCompiler(route);
    return (data) => {
      const json = JSON.stringify(data);
      const allowed = check(data);
      if (!isDeepStrictEqual(JSON.parse(allowed), JSON.parse(json))) {
        throw new Error(`The response of ${route.method} ${route.url} differs from what its schema lets through:\n${json}\n${allowed}`);
      }
      return json;
    };
  };
}
