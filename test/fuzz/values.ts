// Values for the fuzz test's generators: ones a JSON schema (of the OpenAPI document) accepts, to build
// requests that would succeed, and ones it refuses, each breaking the schema it is drawn for.
import fc from 'fast-check';
import type { IdPools } from './fuzz-world.ts';
import type { JsonSchema, Parameter } from './operations.ts';

/** A JSON token written as is (`1e309`, `NaN`, deep nesting), where JSON.stringify cannot. */
export class RawJson {
  constructor(readonly text: string) {}
}

export type GeneratorContext = {
  pools: IdPools;
  /** Literal path segments of the document: a path value must not become one. */
  literalSegments: Set<string>;
  /** Methods served at each path template. */
  methodsByPath: Map<string, Set<string>>;
  /** A real bearer token (of another user), for forged credentials that look almost right. */
  someToken: string;
};

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
export const exampleUuid = '7d4e5f60-7182-493a-8b4c-5d6e7f8091a2';

// ---------------------------------------------------------------------------------------------
// Valid values: the baseline, so that a request's fault is the one thing wrong with it.

const texts = ['Interview practice', 'Zoë Ünïcødé', 'Résumé review 👩‍💻', 'Ship it', 'x', "O'Brien & Søn"];

/** The pool of real ids a field named `name` refers to (an unknown name gets random ids). */
function poolFor(name: string, pools: IdPools, pathTemplate = ''): string[] {
  if (/product/i.test(name)) return pools.products;
  if (/client/i.test(name)) return pools.clients;
  if (/mentor/i.test(name)) return pools.mentors;
  if (/student/i.test(name)) return pools.students;
  if (/worklet/i.test(name)) return pools.worklets;
  if (name === 'id') {
    if (pathTemplate.startsWith('/api/admin/users')) return pools.users;
    if (pathTemplate.startsWith('/api/admin/clients')) return pools.clients;
    if (pathTemplate.startsWith('/api/admin/products')) return pools.products;
    if (pathTemplate.startsWith('/api/worklets')) return pools.worklets;
    if (pathTemplate.includes('expert-sessions')) return pools.sessions;
  }
  return [];
}

const realOrRandomId = (pool: string[]) =>
  pool.length ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...pool) }, fc.uuid({ version: 4 })) : fc.uuid({ version: 4 });

function validString(schema: JsonSchema, name: string, context: GeneratorContext, pathTemplate: string): fc.Arbitrary<string> {
  if (schema.enum) return fc.constantFrom(...(schema.enum as string[]));
  if (schema.const !== undefined) return fc.constant(String(schema.const));
  switch (schema.format) {
    case 'uuid':
      return realOrRandomId(poolFor(name, context.pools, pathTemplate));
    case 'email':
      return fc.nat({ max: 9999 }).map((n) => `fuzz.${n}@example.test`);
    case 'date':
      return fc.constantFrom('2026-01-12', '2026-03-01', '2027-12-31');
    case 'binary':
      return fc.constant('');
  }
  if (name === 'upload_id') return fc.constantFrom(...context.pools.uploads);
  if (name === 'password') return fc.constantFrom('a-long-enough-passphrase', 'Correct Horse Battery Staple 42');
  if (name === 'cert_id') return fc.nat({ max: 9999 }).map((n) => `25FZ${n}WT`);
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 200;
  return fc.constantFrom(...texts).map((text) => text.padEnd(min, 'x').slice(0, max));
}

/** A value the schema accepts. */
export function validJson(schema: JsonSchema, name: string, context: GeneratorContext, pathTemplate = ''): fc.Arbitrary<unknown> {
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((variant) => validJson(variant, name, context, pathTemplate)));
  switch (schema.type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true, noDefaultInfinity: true });
    case 'array': {
      const item = validJson(schema.items ?? {}, name, context, pathTemplate);
      return fc.array(item, { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) });
    }
    case 'object': {
      const properties = Object.entries(schema.properties ?? {}).filter(([, property]) => property.format !== 'binary');
      const required = new Set(schema.required ?? []);
      const record = Object.fromEntries(properties.map(([key, property]) => [key, validJson(property, key, context, pathTemplate)]));
      return fc.record(record, { requiredKeys: properties.map(([key]) => key).filter((key) => required.has(key)) });
    }
    default:
      return validString(schema, name, context, pathTemplate);
  }
}

/** A value the schema accepts, as it is written in a query string, a header or a form field. */
export function validText(schema: JsonSchema, name: string, context: GeneratorContext, pathTemplate = ''): fc.Arbitrary<string> {
  return validJson(schema, name, context, pathTemplate).map((value) => (typeof value === 'string' ? value : JSON.stringify(value)));
}

// ---------------------------------------------------------------------------------------------
// Invalid values: each one breaks the schema it is drawn for.

/** C0 control characters that are not whitespace (JavaScript's trim() keeps them). */
const controlCharacters = ['\u0000', '\u0000', '\u0001', '\u0002', '\u0007', '\u0008', '\u000e', '\u001b', '\u001f'];

const withControlCharacter = (base: fc.Arbitrary<string>) =>
  fc.tuple(base, fc.constantFrom(...controlCharacters), fc.nat()).map(([text, character, at]) => {
    const padded = text.length >= 2 ? text : `a${text}b`;
    let position = 1 + (at % (padded.length - 1));
    // Not between the halves of a surrogate pair: the text must stay well-formed but for the character.
    if (/[\ud800-\udbff]/.test(padded[position - 1]!)) position += 1;
    return padded.slice(0, position) + character + padded.slice(position);
  });

const tooLong = (max: number) =>
  fc
    .tuple(fc.constantFrom('x', 'é', '漢', 'Ω'), fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constant(100_000)))
    .map(([character, extra]) => character.repeat(max + extra));

const badUuids = [
  'not-a-uuid',
  '123',
  '0',
  '-1',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  'NaN',
  '__proto__',
  'constructor',
  `${exampleUuid}x`,
  exampleUuid.slice(0, -1),
  exampleUuid.replaceAll('-', ''),
  `{${exampleUuid}}`,
  `urn:uuid:${exampleUuid}`,
  '7d4e5f60-7182-993a-8b4c-5d6e7f8091a2',
  '7d4e5f60-7182-493a-8b4c-5d6e7f8091g2',
  `${exampleUuid}\u0000`,
  `${exampleUuid.slice(0, 8)}\u0000${exampleUuid.slice(9)}`,
  "' or 1=1--",
  '1; drop table users',
  '漢字',
];

const badUuid = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...badUuids) },
  fc.string({ maxLength: 40 }).filter((text) => !uuidPattern.test(text) && text.length > 0),
  fc.constant(`x`.repeat(300)),
);

const badEmails = [
  'plainaddress',
  '@missing-local.test',
  'a@',
  'a@b',
  'a@@b.test',
  'a b@c.test',
  'a@b..test',
  '"q"@x.test',
  'a@b.test\u0000',
  `${'x'.repeat(250)}@x.test`,
];
const badDates = [
  '0000-01-01',
  '2026-02-30',
  '2026-13-01',
  '2026-1-1',
  '26-01-01',
  '2026/01/01',
  '2026-01-01T00:00:00Z',
  '+002026-01-01',
  'today',
  '',
  '2026-01-01\u0000',
];
const badUploadIds = ['', 'has space', '../../etc/passwd', 'a/b', 'x'.repeat(129), 'ünïcode', 'id;rm -rf', '\u0000'];

export function invalidString(schema: JsonSchema, name: string, context: GeneratorContext): fc.Arbitrary<string> {
  const options: fc.Arbitrary<string>[] = [withControlCharacter(validString(schema, name, context, ''))];
  if (schema.enum || schema.const !== undefined) {
    const allowed = new Set((schema.enum ?? [schema.const]).map(String));
    const first = [...allowed][0]!;
    options.push(
      fc
        .constantFrom('bogus', '', first.toUpperCase(), first.toLowerCase(), `${first} `, ` ${first}`, '0')
        .filter((text) => !allowed.has(text)),
    );
  } else if (schema.format === 'uuid') {
    options.push(badUuid);
  } else if (schema.format === 'email') {
    options.push(fc.constantFrom(...badEmails));
  } else if (schema.format === 'date') {
    options.push(fc.constantFrom(...badDates));
  } else if (schema.pattern && name === 'upload_id') {
    options.push(fc.constantFrom(...badUploadIds));
  }
  if (schema.maxLength !== undefined) options.push(tooLong(schema.maxLength));
  if ((schema.minLength ?? 0) > 0) options.push(fc.constantFrom('', 'x'.repeat(schema.minLength! - 1)));
  return fc.oneof(...options);
}

const otherTypes: Record<string, unknown[]> = {
  string: [0, 1, -1, 1e308, true, false, [], ['x'], {}, { a: 1 }],
  number: ['600', 'abc', '', true, [], [1], {}, { $gt: 0 }],
  integer: ['5', 'abc', '', true, [], [1], {}],
  boolean: ['true', 'false', 1, 0, 'yes', [], {}],
  array: ['a,b', `${exampleUuid},${exampleUuid}`, 1, true, {}, { 0: exampleUuid }],
  object: [[], 'x', 1, true, [{}]],
};

const isNullable = (schema: JsonSchema) => Boolean(schema.anyOf?.some((variant) => variant.type === 'null'));
export const nonNull = (schema: JsonSchema): JsonSchema => schema.anyOf?.find((variant) => variant.type !== 'null') ?? schema;

function invalidNumber(schema: JsonSchema): fc.Arbitrary<unknown> {
  const values: unknown[] = [new RawJson('1e309'), new RawJson('-1e309'), new RawJson('123456789012345678901234567890e300')];
  if (schema.minimum !== undefined) values.push(schema.minimum - 1, -1e308, schema.minimum - 0.5);
  if (schema.maximum !== undefined) values.push(schema.maximum + 1, 1e308, schema.maximum + 0.5, Number.MAX_SAFE_INTEGER + 2);
  if (schema.type === 'integer') values.push(1.5, (schema.minimum ?? 0) + 0.25);
  return fc.constantFrom(...values);
}

/** A JSON value the schema refuses (RawJson tokens included). */
export function invalidJson(schema: JsonSchema, name: string, context: GeneratorContext): fc.Arbitrary<unknown> {
  const nullable = isNullable(schema);
  const core = nonNull(schema);
  const type = core.type ?? 'string';
  const options: fc.Arbitrary<unknown>[] = [fc.constantFrom(...(otherTypes[type] ?? otherTypes.string!))];
  if (!nullable) options.push(fc.constant(null));
  switch (type) {
    case 'string':
      options.push(invalidString(core, name, context), invalidString(core, name, context));
      break;
    case 'number':
    case 'integer':
      options.push(invalidNumber(core), invalidNumber(core));
      break;
    case 'array': {
      const items = core.items ?? {};
      const valid = validJson(items, name, context);
      options.push(
        fc.tuple(fc.array(valid, { maxLength: 2 }), invalidJson(items, name, context)).map(([good, bad]) => [...good, bad]),
        fc.tuple(fc.array(valid, { maxLength: 2 }), invalidJson(items, name, context)).map(([good, bad]) => [bad, ...good]),
      );
      if (core.maxItems !== undefined) options.push(valid.map((item) => Array.from({ length: core.maxItems! + 1 }, () => item)));
      break;
    }
    case 'object':
      options.push(invalidObject(core, context), invalidObject(core, context));
      break;
  }
  return fc.oneof(...options);
}

/** An object that the schema would accept but for one property: wrong, or missing when required. */
function invalidObject(schema: JsonSchema, context: GeneratorContext): fc.Arbitrary<unknown> {
  const properties = Object.entries(schema.properties ?? {}).filter(([, property]) => property.format !== 'binary');
  const faults: fc.Arbitrary<(value: Record<string, unknown>) => void>[] = properties.map(([key, property]) =>
    invalidJson(property, key, context).map((bad) => (value: Record<string, unknown>) => {
      value[key] = bad;
    }),
  );
  for (const key of schema.required ?? []) {
    faults.push(
      fc.constant((value: Record<string, unknown>) => {
        delete value[key];
      }),
    );
  }
  if (faults.length === 0) return fc.constant([]);
  return fc.tuple(validJson(schema, '', context), fc.oneof(...faults)).map(([valid, fault]) => {
    const value = { ...(valid as Record<string, unknown>) };
    fault(value);
    return value;
  });
}

/** An id that names nothing: no seeded row has it (the nil and max UUIDs included). */
export function unknownReference(schema: JsonSchema, context: GeneratorContext): fc.Arbitrary<string> {
  if (schema.format !== 'uuid') return fc.stringMatching(/^[0-9a-f]{32}$/);
  const known = new Set(Object.values(context.pools).flat());
  return fc.oneof(
    fc.uuid({ version: 4 }).filter((id) => !known.has(id)),
    fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'),
  );
}

/**
 * A value the schema accepts but for one reference (a UUID field, an item of a list of them, an
 * upload id) that names nothing; undefined when the schema has no reference.
 */
export function withUnknownReference(schema: JsonSchema, name: string, context: GeneratorContext): fc.Arbitrary<unknown> | undefined {
  const core = nonNull(schema);
  if (core.format === 'uuid' || name === 'upload_id') return unknownReference(core, context);
  if (core.type === 'array' && core.items) {
    const unknown = withUnknownReference(core.items, name, context);
    const valid = validJson(core.items, name, context);
    return unknown && fc.tuple(fc.array(valid, { maxLength: 2 }), unknown).map(([good, bad]) => [...good, bad]);
  }
  if (core.type !== 'object') return undefined;
  const options = Object.entries(core.properties ?? {}).flatMap(([key, property]) => {
    const unknown = withUnknownReference(property, key, context);
    return unknown ? [unknown.map((bad) => [key, bad] as const)] : [];
  });
  if (options.length === 0) return undefined;
  return fc
    .tuple(validJson(core, name, context), fc.oneof(...options))
    .map(([valid, [key, bad]]) => ({ ...(valid as object), [key]: bad }));
}

// ---------------------------------------------------------------------------------------------
// Bad parameters: path, query, header.

/** Path values that name nothing (and no other route either). */
export function badPathValue(parameter: Parameter, context: GeneratorContext): fc.Arbitrary<{ value: string; raw: boolean }> {
  const known = new Set(Object.values(context.pools).flat());
  const unknownId =
    parameter.schema.format === 'uuid' ? fc.uuid({ version: 4 }).filter((id) => !known.has(id)) : fc.stringMatching(/^[0-9a-f]{32}$/);
  const encoded = fc
    .oneof(
      { weight: 3, arbitrary: unknownId },
      { weight: 3, arbitrary: badUuid },
      withControlCharacter(fc.constantFrom(exampleUuid, 'abc')),
      fc.constantFrom('.', '..', 'a/b', '%', '?', '#', ' ', `${exampleUuid}/`, 'x'.repeat(101), 'x'.repeat(5000)),
    )
    .filter((value) => !context.literalSegments.has(value))
    .map((value) => ({ value, raw: false }));
  const raw = fc.constantFrom('%zz', '%ff', '%c3%28', '%', 'a%2', '%00', '%2e%2e', '漢字', 'a b').map((value) => ({ value, raw: true }));
  return fc.oneof({ weight: 4, arbitrary: encoded }, raw);
}

const base64url = (text: string) => Buffer.from(text).toString('base64url');

/** Cursors no server ever wrote: wrong shapes and types, ids that are no ids, or no base64 at all. */
const forgedCursor: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    base64url('["x","y"]'),
    base64url('[]'),
    base64url('["x"]'),
    base64url('[1,2]'),
    base64url('{}'),
    base64url('null'),
    base64url('"x"'),
    base64url('[null,null]'),
    base64url('["2026-01-01T00:00:00.000Z","not-a-uuid"]'),
    base64url(`["0000-01-01T00:00:00.000Z","${exampleUuid}x"]`),
    base64url(`[["a"],"${exampleUuid.slice(1)}"]`),
    base64url('["\u0000","\u0000"]'),
    base64url(`["${'x'.repeat(300)}","y"]`),
    base64url('{"__proto__":{"admin":true}}'),
    '!!!',
    '%00',
    'WyJ4IiwieSJd.forged',
  ),
  fc
    .tuple(fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 }))
    .filter(([, id]) => !(typeof id === 'string' && uuidPattern.test(id)))
    .map((pair) => base64url(JSON.stringify(pair))),
  fc.string({ minLength: 1, maxLength: 60 }).filter((text) => !/^[A-Za-z0-9_-]*$/.test(text)),
);

const badIntegerTexts = [
  '',
  ' ',
  'abc',
  '0',
  '-1',
  '101',
  '1.5',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e308',
  '1e309',
  '9'.repeat(400),
  'null',
  'true',
  '[]',
  '1,2',
  '%00',
];

export function badQueryValue(parameter: Parameter, context: GeneratorContext): fc.Arbitrary<{ value: string; raw: boolean }> {
  const schema = nonNull(parameter.schema);
  let values: fc.Arbitrary<string>;
  if (parameter.name === 'cursor') {
    values = fc.oneof({ weight: 3, arbitrary: forgedCursor }, invalidString(schema, parameter.name, context));
  } else if (schema.type === 'integer' || schema.type === 'number') {
    values = fc.oneof(
      fc.constantFrom(...badIntegerTexts).filter((text) => {
        const number = Number(text);
        return !(Number.isInteger(number) && number >= (schema.minimum ?? -Infinity) && number <= (schema.maximum ?? Infinity));
      }),
      invalidNumber(schema).map((value) => (value instanceof RawJson ? value.text : String(value))),
    );
  } else if (schema.type === 'array') {
    // The list is split at commas and trimmed: a bad item must survive both.
    values = fc.constantFrom('not-a-uuid', '123', `${exampleUuid}x`, `${exampleUuid},nope`, `${exampleUuid}\u0000`, '漢字');
  } else {
    values = invalidString(schema, parameter.name, context);
  }
  return values.map((value) => ({ value, raw: value === '%00' }));
}

export const badHeaderValue = (parameter: Parameter) =>
  fc
    .constantFrom('0.2.2', '1.0', '', '2.0.0', '1.0.0, 1.0.0', 'x'.repeat(2000))
    .filter((value) => !(parameter.schema.enum ?? [parameter.schema.const]).includes(value));

/** Whether the schema refuses anything at all (a free-form string does not). */
export const constrains = (schema: JsonSchema) => {
  const core = nonNull(schema);
  return Boolean(
    core.enum || core.const !== undefined || core.format || core.pattern || core.maxLength !== undefined || core.type !== 'string',
  );
};

// ---------------------------------------------------------------------------------------------
// JSON as written on the wire.

/** JSON text of a value, with RawJson tokens written as they are and own `__proto__` keys kept. */
export function jsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}:${jsonText(item)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
