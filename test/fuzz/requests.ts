// Requests that are invalid by construction: a request that would be valid for the operation (its
// baseline), at least one fault that makes it invalid, and noise that never makes it valid again.
import fs from 'node:fs';
import zlib from 'node:zlib';
import fc from 'fast-check';
import type { Role } from './fuzz-world.ts';
import type { JsonSchema, Operation, Parameter } from './operations.ts';
import {
  badHeaderValue,
  badPathValue,
  badQueryValue,
  constrains,
  exampleUuid,
  invalidJson,
  invalidString,
  jsonText,
  nonNull,
  RawJson,
  validJson,
  validText,
  withUnknownReference,
  type GeneratorContext,
} from './values.ts';

/** What is generated before it is written out: the fields of the request, still structured. */
export type Draft = {
  method: string;
  /** Path parameters; `raw` values go into the URL unencoded. */
  pathValues: Record<string, { value: string; raw: boolean }>;
  query: { name: string; value: string; raw: boolean }[];
  headers: Record<string, string>;
  body: DraftBody;
};

export type DraftBody = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'form'; fields: [string, string][]; file?: FormFile };

type FormFile = { field: string; filename: string; contentType: string; bytes: Buffer };

/** The request as sent. */
export type Wire = { method: string; url: string; headers: Record<string, string>; payload?: string | Buffer };

/** One change to a request; a fault makes it invalid, noise only decorates it. */
export type Change = { label: string; draft?: (draft: Draft) => void; wire?: (wire: Wire) => void };

export type FuzzCase = { role: Role; operation: string; changes: string[]; request: Wire };

const sampleVideo = fs.readFileSync(new URL('../fixtures/sample.mp4', import.meta.url));

// ---------------------------------------------------------------------------------------------
// Bodies as written on the wire.

function multipartPayload(fields: [string, string][], file: FormFile | undefined, boundary: string): Buffer {
  const parts: Buffer[] = fields.map(([name, value]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
  );
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

/** encodeURIComponent, except that a lone surrogate becomes the bytes of one (not UTF-8: a bad URL to send). */
function encodeComponent(text: string): string {
  return text.replace(/[\ud800-\udbff][\udc00-\udfff]|([\ud800-\udfff])|[^\ud800-\udfff]+/g, (part, lone?: string) =>
    lone ? '%ED%A0%80' : encodeURIComponent(part),
  );
}

const boundary = '----jobreadyfuzz7MA4YWxkTrZu0gW';

function write(path: string, draft: Draft): Wire {
  let url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const parameter = draft.pathValues[name];
    if (!parameter) throw new Error(`No value for path parameter ${name}`);
    return parameter.raw ? parameter.value : encodeComponent(parameter.value);
  });
  if (draft.query.length) {
    url += `?${draft.query.map(({ name, value, raw }) => `${encodeComponent(name)}=${raw ? value : encodeComponent(value)}`).join('&')}`;
  }
  const wire: Wire = { method: draft.method, url, headers: { ...draft.headers } };
  if (draft.body.kind === 'json') {
    wire.headers['content-type'] = 'application/json';
    wire.payload = jsonText(draft.body.value);
  } else if (draft.body.kind === 'form') {
    wire.headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
    wire.payload = multipartPayload(draft.body.fields, draft.body.file, boundary);
  }
  return wire;
}

// ---------------------------------------------------------------------------------------------
// Faults: each makes the request invalid whatever else it carries.

const bodyMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

const wrongContentTypes = [
  'text/plain',
  'application/xml',
  'text/xml',
  'application/x-www-form-urlencoded',
  'application/jsonx',
  'application/json-patch+json',
  'text/json',
  'application/javascript',
  'image/png',
  'application/octet-stream',
  'multipart/mixed; boundary=zz',
  'text/html; charset=utf-8',
  'application/*',
  '*/*',
  '',
];

const malformedJsonTexts = [
  '{',
  '}',
  '{"a":',
  '[1,]',
  "{'a':1}",
  'NaN',
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":-Infinity}',
  '\u0000',
  '{"a":1}}',
  '{"a":"\u0000',
  '{"a":01}',
  '{"a":.5}',
  'undefined',
  '"unterminated',
  '{"a"1}',
  '\ufeff\ufeff{}',
];

function malformedJson(): fc.Arbitrary<Change> {
  return fc
    .oneof(
      fc.constantFrom(...malformedJsonTexts).map((text) => () => text),
      fc.nat().map((cut) => (valid: string) => (valid.length > 1 ? valid.slice(0, 1 + (cut % (valid.length - 1))) : '{')),
      fc.constantFrom('x', ',', '}', ' {}', '\u0000').map((tail) => (valid: string) => `${valid || '{}'}${tail}`),
      fc.integer({ min: 1000, max: 400_000 }).map((depth) => () => `${'['.repeat(depth)}${']'.repeat(depth - 1)}`),
    )
    .map((make) => ({
      label: 'malformed JSON',
      wire: (wire) => {
        const valid = typeof wire.payload === 'string' && wire.headers['content-type'] === 'application/json' ? wire.payload : '';
        const text = make(valid);
        // A cut or a tail can complete what an earlier fault left ("{" + "}"): then it is cut again.
        wire.payload = parsesAsJson(text) ? `${text}}` : text;
        wire.headers['content-type'] = 'application/json';
        delete wire.headers['content-encoding'];
      },
    }));
}

/** Whether Fastify's JSON parser would read the text (it drops one leading byte order mark). */
function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text.replace(/^\ufeff/, ''));
    return true;
  } catch {
    return false;
  }
}

function wrongContentType(operation: Operation): fc.Arbitrary<Change> {
  // Fastify parses text/plain everywhere: only where a body is expected is a text one wrong.
  const takesBody = Boolean(operation.jsonBody || operation.formBody);
  const accepted = (type: string) =>
    (operation.formBody && type.startsWith('multipart/form-data')) ||
    type === 'application/json' ||
    (!takesBody && type.startsWith('text/plain'));
  return fc
    .tuple(
      fc.constantFrom(...wrongContentTypes.filter((type) => !accepted(type)), undefined),
      fc.constantFrom('{"a":1}', 'x', '<a/>', 'a=1&b=2'),
    )
    .map(([type, fallback]) => ({
      label: `content-type ${type === undefined ? '(none)' : JSON.stringify(type)}`,
      wire: (wire) => {
        if (!wire.payload || wire.payload.length === 0) wire.payload = fallback;
        if (type === undefined) delete wire.headers['content-type'];
        else wire.headers['content-type'] = type;
      },
    }));
}

function unsupportedContentEncoding(): fc.Arbitrary<Change> {
  return fc
    .tuple(fc.constantFrom('gzip', 'br', 'deflate', 'compress', 'x-fuzz', 'gzip, gzip'), fc.boolean())
    .map(([encoding, compress]) => ({
      label: `content-encoding ${encoding}${compress ? ' (compressed)' : ''}`,
      wire: (wire) => {
        if (!wire.payload || wire.payload.length === 0) {
          wire.payload = '{}';
          wire.headers['content-type'] ??= 'application/json';
        }
        if (compress && encoding.startsWith('gzip')) wire.payload = zlib.gzipSync(wire.payload);
        wire.headers['content-encoding'] = encoding;
      },
    }));
}

const oversizedBody: fc.Arbitrary<Change> = fc.integer({ min: 1024 * 1024 + 1, max: 3 * 1024 * 1024 }).map((size) => ({
  label: `body of ${size} bytes`,
  wire: (wire) => {
    wire.headers['content-type'] = 'application/json';
    delete wire.headers['content-encoding'];
    wire.payload = `{"title":"${'x'.repeat(size)}"}`;
  },
}));

function wrongMethod(operation: Operation, context: GeneratorContext): fc.Arbitrary<Change> {
  const served = context.methodsByPath.get(operation.path) ?? new Set();
  const others = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND'].filter((method) => !served.has(method));
  return fc.constantFrom(...others).map((method) => ({
    label: `method ${method}`,
    draft: (draft) => {
      draft.method = method;
    },
  }));
}

function forgedCredentials(context: GeneratorContext): fc.Arbitrary<Change> {
  const tampered = context.someToken.slice(0, -2) + (context.someToken.endsWith('AA') ? 'BB' : 'AA');
  return fc
    .constantFrom<[string, string]>(
      ['authorization', 'Bearer x'],
      ['authorization', 'Bearer '],
      ['authorization', 'Bearer null'],
      ['authorization', `Bearer ${tampered}`],
      ['authorization', `Bearer ${'A'.repeat(8000)}`],
      ['authorization', 'Basic YWRtaW46YWRtaW4='],
      ['authorization', `bearer ${exampleUuid}`],
      ['cookie', 'better-auth.session_token=forged.value'],
      ['cookie', `better-auth.session_token=${encodeURIComponent(tampered)}`],
    )
    .map(([header, value]) => ({
      label: `forged ${header}`,
      draft: (draft) => {
        delete draft.headers.authorization;
        draft.headers[header] = value;
      },
    }));
}

function pathFault(parameter: Parameter, context: GeneratorContext): fc.Arbitrary<Change> {
  return badPathValue(parameter, context).map((bad) => ({
    label: `path ${parameter.name}`,
    draft: (draft) => {
      draft.pathValues[parameter.name] = bad;
    },
  }));
}

function queryFault(parameter: Parameter, context: GeneratorContext): fc.Arbitrary<Change> {
  return badQueryValue(parameter, context).map((bad) => ({
    label: `query ${parameter.name}`,
    draft: (draft) => {
      draft.query = [...draft.query.filter((entry) => entry.name !== parameter.name), { name: parameter.name, ...bad }];
    },
  }));
}

function headerFault(parameter: Parameter): fc.Arbitrary<Change> {
  return badHeaderValue(parameter).map((value) => ({
    label: `header ${parameter.name}`,
    draft: (draft) => {
      draft.headers[parameter.name] = value;
    },
  }));
}

function jsonBodyFault(schema: JsonSchema, context: GeneratorContext): fc.Arbitrary<Change> {
  return invalidJson(schema, 'body', context).map((value) => ({
    label: 'JSON body',
    draft: (draft) => {
      draft.body = { kind: 'json', value };
    },
  }));
}

/** A body that the schema accepts, but that refers to something that does not exist. */
function unknownReferenceFault(schema: JsonSchema, context: GeneratorContext): fc.Arbitrary<Change> | undefined {
  return withUnknownReference(schema, 'body', context)?.map((value) => ({
    label: 'unknown reference',
    draft: (draft) => {
      draft.body = { kind: 'json', value };
    },
  }));
}

/** A body that the schema accepts, but whose dates run backwards (it ends before it starts). */
function reversedDatesFault(schema: JsonSchema, context: GeneratorContext): fc.Arbitrary<Change> | undefined {
  const properties = schema.properties ?? {};
  if (!properties.start_date || !properties.end_date) return undefined;
  return validJson(schema, 'body', context).map((valid) => ({
    label: 'end_date before start_date',
    draft: (draft) => {
      draft.body = { kind: 'json', value: { ...(valid as object), start_date: '2027-06-01', end_date: '2027-05-31' } };
    },
  }));
}

/** A form whose fields break the schema (as text: a form has no other type). */
function formFieldFault(schema: JsonSchema, context: GeneratorContext): fc.Arbitrary<Change> {
  const properties = Object.entries(schema.properties ?? {}).filter(
    ([name, property]) => property.format !== 'binary' && name !== 'upload_id',
  );
  const faults = properties.map(([name, property]) => {
    const core = nonNull(property);
    const bad =
      core.type === 'array'
        ? fc.oneof(
            badQueryValue({ in: 'query', name, required: false, schema: core }, context).map(({ value }) => value),
            badQueryValue({ in: 'query', name, required: false, schema: core }, context).map(({ value }) => JSON.stringify([value])),
          )
        : core.type === 'boolean'
          ? fc.constantFrom('yes', '1', 'TRUE', '', 'null')
          : invalidString(core, name, context);
    return bad.map((value) => ({ name, value }));
  });
  return fc.oneof(...faults).map(({ name, value }) => ({
    label: `form field ${name}`,
    draft: (draft) => {
      const fields = draft.body.kind === 'form' ? draft.body.fields.filter(([field]) => field !== name) : [];
      const file = draft.body.kind === 'form' ? draft.body.file : undefined;
      draft.body = { kind: 'form', fields: [[name, value], ...fields], file };
    },
  }));
}

const notAVideo = fc.constantFrom(
  Buffer.from('this is not a video'),
  Buffer.alloc(0),
  Buffer.from('\u0000\u0000\u0000\u0018ftypmp42'),
  Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919) % 256)),
);

/** Forms that break as forms: structure, limits, files. */
function formStructureFault(): fc.Arbitrary<Change> {
  const onForm = (
    label: string,
    change: (body: Extract<DraftBody, { kind: 'form' }>) => Partial<Extract<DraftBody, { kind: 'form' }>>,
  ) => ({
    label,
    draft: (draft: Draft) => {
      const body = draft.body.kind === 'form' ? draft.body : { kind: 'form' as const, fields: [['title', 'A talk']] as [string, string][] };
      draft.body = { ...body, ...change(body) };
    },
  });
  const rewrite = (label: string, make: (payload: Buffer) => { payload: Buffer | string; type?: string }) => ({
    label,
    wire: (wire: Wire) => {
      const payload = Buffer.isBuffer(wire.payload) ? wire.payload : multipartPayload([['title', 'A talk']], undefined, boundary);
      const made = make(payload);
      wire.payload = made.payload;
      wire.headers['content-type'] = made.type ?? `multipart/form-data; boundary=${boundary}`;
    },
  });
  return fc.oneof(
    notAVideo.map((bytes) =>
      onForm('form file not a video', () => ({ file: { field: 'video_file', filename: 'talk.mp4', contentType: 'video/mp4', bytes } })),
    ),
    fc.constantFrom('other_file', '__proto__', 'title', 'video_file[]').map((field) =>
      onForm(`form file in field ${field}`, (body) => ({
        file: { field, filename: 'talk.mp4', contentType: 'video/mp4', bytes: sampleVideo },
        fields: body.file ? body.fields : [...body.fields, ['description', 'no video_file']],
      })),
    ),
    fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', 'toString').map((name) =>
      // With an empty title first, so that the form is invalid however the odd field is taken.
      onForm(`form field named ${name}`, (body) => ({ fields: [['title', ''], [name, '{"polluted":true}'], ...body.fields] })),
    ),
    fc.integer({ min: 21, max: 60 }).map((count) =>
      onForm(`form with ${count} fields`, (body) => ({
        fields: [...body.fields, ...Array.from({ length: count }, (_, i): [string, string] => [`extra${i}`, 'x'])],
      })),
    ),
    fc.constant(onForm('form field over 64 KiB', (body) => ({ fields: [['title', 'x'.repeat(70 * 1024)], ...body.fields] }))),
    fc.constant(rewrite('multipart without boundary', (payload) => ({ payload, type: 'multipart/form-data' }))),
    fc.constant(
      rewrite('multipart with another boundary', (payload) => ({ payload, type: 'multipart/form-data; boundary=somethingelse' })),
    ),
    fc
      .nat()
      .map((cut) => rewrite('multipart cut short', (payload) => ({ payload: payload.subarray(0, cut % Math.max(1, payload.length - 8)) }))),
    fc.constant(rewrite('multipart empty', () => ({ payload: Buffer.alloc(0) }))),
    fc
      .constantFrom(
        '--zz\r\n\r\n--zz--',
        `--${boundary}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--${boundary}--\r\n`,
        `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nno end`,
        `--${boundary}\r\nContent-Type: text/plain\r\n\r\nx\r\n--${boundary}--\r\n`,
        `garbage before\r\n--${boundary}--`,
        `--${boundary}\r\nContent-Disposition: form-data; name="title"; filename="../../../etc/passwd"\r\n\r\nx\r\n--${boundary}--\r\n`,
      )
      .map((text) => rewrite('multipart malformed', () => ({ payload: text }))),
  );
}

/** Every fault that applies to the operation. */
export function faultsFor(operation: Operation, context: GeneratorContext): fc.Arbitrary<Change> {
  const faults: fc.Arbitrary<Change>[] = [wrongMethod(operation, context)];
  if (operation.isProtected) faults.push(forgedCredentials(context));
  // OPTIONS is discovery: it answers the same for any resource.
  if (operation.method !== 'OPTIONS') {
    for (const parameter of operation.parameters.filter((p) => p.in === 'path')) faults.push(pathFault(parameter, context));
  }
  for (const parameter of operation.parameters.filter((p) => p.in === 'query' && constrains(p.schema)))
    faults.push(queryFault(parameter, context));
  for (const parameter of operation.parameters.filter((p) => p.in === 'header' && constrains(p.schema)))
    faults.push(headerFault(parameter));
  if (operation.jsonBody) {
    faults.push(jsonBodyFault(operation.jsonBody, context), jsonBodyFault(operation.jsonBody, context));
    for (const fault of [unknownReferenceFault(operation.jsonBody, context), reversedDatesFault(operation.jsonBody, context)]) {
      if (fault) faults.push(fault);
    }
  }
  if (operation.formBody) faults.push(formFieldFault(operation.formBody, context), formStructureFault());
  if (bodyMethods.has(operation.method)) {
    faults.push(malformedJson(), wrongContentType(operation), unsupportedContentEncoding(), oversizedBody);
  }
  return fc.oneof(...faults);
}

// ---------------------------------------------------------------------------------------------
// Noise: never makes an invalid request valid.

const oddKeys = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'id',
  'created_at',
  'role',
  'is_admin',
  'x'.repeat(1000),
  '',
  '\u0000',
];

const deepNesting = fc
  .tuple(fc.integer({ min: 10, max: 20_000 }), fc.boolean())
  .map(([depth, objects]) =>
    objects ? new RawJson(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`) : new RawJson(`${'['.repeat(depth)}${']'.repeat(depth)}`),
  );

const extraBodyKey: fc.Arbitrary<Change> = fc
  .tuple(fc.constantFrom(...oddKeys), fc.oneof(fc.jsonValue({ maxDepth: 3 }), deepNesting, fc.constant({ polluted: true })))
  .map(([key, value]) => ({
    label: `extra body key ${JSON.stringify(key.slice(0, 20))}`,
    draft: (draft) => {
      if (draft.body.kind !== 'json' || !isPlainObject(draft.body.value)) return;
      const copy = { ...draft.body.value };
      Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
      draft.body = { kind: 'json', value: copy };
    },
  }));

const repeatedIds: Change = {
  label: 'repeated ids',
  draft: (draft) => {
    if (draft.body.kind !== 'json' || !isPlainObject(draft.body.value)) return;
    const copy: Record<string, unknown> = { ...draft.body.value };
    for (const [key, value] of Object.entries(copy)) if (Array.isArray(value) && value.length) copy[key] = [...value, ...value, value[0]];
    draft.body = { kind: 'json', value: copy };
  },
};

function extraQuery(operation: Operation): fc.Arbitrary<Change> {
  const declared = new Set(operation.parameters.map((parameter) => parameter.name));
  return fc
    .tuple(
      fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'a[b]', 'x', 'limit[]', 'filter'),
      fc.constantFrom('1', '', '{}', 'x'.repeat(3000)),
    )
    .filter(([name]) => !declared.has(name))
    .map(([name, value]) => ({
      label: `extra query ${name}`,
      draft: (draft) => {
        draft.query = [...draft.query, { name, value, raw: false }];
      },
    }));
}

const oddHeaders: fc.Arbitrary<Change> = fc
  .constantFrom<[string, string]>(
    ['accept', 'text/html'],
    ['accept', 'application/xml'],
    ['accept', 'image/png;q=0.1'],
    ['accept-language', 'xx'],
    ['range', 'bytes=999999999-'],
    ['range', 'bytes=abc'],
    ['range', 'items=0-1'],
    ['if-none-match', '"forged"'],
    ['x-forwarded-for', '10.0.0.1, 127.0.0.1'],
    ['origin', 'https://evil.example'],
    ['user-agent', 'x'.repeat(4000)],
  )
  .map(([name, value]) => ({
    label: `header ${name}`,
    draft: (draft) => {
      draft.headers[name] = value;
    },
  }));

function noiseFor(operation: Operation): fc.Arbitrary<Change> {
  const noise: fc.Arbitrary<Change>[] = [extraQuery(operation), oddHeaders];
  if (operation.jsonBody) noise.push(extraBodyKey, extraBodyKey, fc.constant(repeatedIds));
  return fc.oneof(...noise);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  Boolean(value) && typeof value === 'object' && !Array.isArray(value) && !(value instanceof RawJson);

// ---------------------------------------------------------------------------------------------
// The baseline and the case.

function baselineBody(operation: Operation, context: GeneratorContext): fc.Arbitrary<DraftBody> {
  const bodies: fc.Arbitrary<DraftBody>[] = [];
  if (operation.jsonBody) bodies.push(validJson(operation.jsonBody, 'body', context).map((value) => ({ kind: 'json' as const, value })));
  if (operation.formBody) {
    const schema = operation.formBody;
    const properties = Object.entries(schema.properties ?? {}).filter(
      ([name, property]) => property.format !== 'binary' && name !== 'upload_id',
    );
    const record = Object.fromEntries(properties.map(([name, property]) => [name, validText(property, name, context)]));
    bodies.push(
      fc
        .tuple(fc.record(record, { requiredKeys: schema.required?.filter((name) => name in record) ?? [] }), fc.boolean())
        .map(([fields, withVideo]) => ({
          kind: 'form' as const,
          fields: Object.entries(fields) as [string, string][],
          file: withVideo ? { field: 'video_file', filename: 'talk.mp4', contentType: 'video/mp4', bytes: sampleVideo } : undefined,
        })),
    );
  }
  return bodies.length ? fc.oneof(...bodies) : fc.constant({ kind: 'none' as const });
}

function baseline(operation: Operation, context: GeneratorContext): fc.Arbitrary<Draft> {
  const pathParameters = operation.parameters.filter((p) => p.in === 'path');
  const pathValues = fc.record(
    Object.fromEntries(
      pathParameters.map((parameter) => [
        parameter.name,
        (parameter.name === 'uploadId'
          ? fc.constantFrom(...context.pools.uploads)
          : validText(parameter.schema, parameter.name, context, operation.path)
        ).map((value) => ({ value, raw: false })),
      ]),
    ),
  );
  const optional = operation.parameters.filter((p) => p.in === 'query' || p.in === 'header');
  const parameters = fc.record(
    Object.fromEntries(optional.map((parameter) => [parameter.name, validText(parameter.schema, parameter.name, context, operation.path)])),
    { requiredKeys: optional.filter((p) => p.required).map((p) => p.name) },
  );
  return fc.tuple(pathValues, parameters, baselineBody(operation, context)).map(([path, values, body]) => {
    const query: Draft['query'] = [];
    const headers: Record<string, string> = {};
    for (const parameter of optional) {
      const value = (values as Record<string, string | undefined>)[parameter.name];
      if (value === undefined || parameter.name === 'cursor') continue;
      if (parameter.in === 'query') query.push({ name: parameter.name, value, raw: false });
      else headers[parameter.name] = value;
    }
    return { method: operation.method, pathValues: path as Draft['pathValues'], query, headers, body };
  });
}

/** Invalid requests for one operation, sent as `role` (whose credentials `headers` carries). */
export function casesFor(
  operation: Operation,
  role: Role,
  headers: Record<string, string>,
  context: GeneratorContext,
): fc.Arbitrary<FuzzCase> {
  return fc
    .tuple(
      baseline(operation, context),
      fc.array(faultsFor(operation, context), { minLength: 1, maxLength: 3 }),
      fc.array(noiseFor(operation), { maxLength: 3 }),
    )
    .map(([draft, faults, noise]) => {
      const request = copyDraft(draft);
      request.headers = { ...headers, ...request.headers };
      for (const change of [...faults, ...noise]) change.draft?.(request);
      const wire = write(operation.path, request);
      for (const change of [...noise, ...faults]) change.wire?.(wire);
      return fuzzCase({
        role,
        operation: operation.key,
        changes: [...faults.map((f) => f.label), ...noise.map((n) => `noise: ${n.label}`)],
        request: wire,
      });
    });
}

/** A copy to change: fast-check hands the same generated draft to several runs while it shrinks. */
function copyDraft(draft: Draft): Draft {
  const body: DraftBody =
    draft.body.kind === 'json'
      ? { kind: 'json', value: copyJson(draft.body.value) }
      : draft.body.kind === 'form'
        ? { ...draft.body, fields: draft.body.fields.map(([name, value]): [string, string] => [name, value]) }
        : draft.body;
  return {
    method: draft.method,
    pathValues: Object.fromEntries(Object.entries(draft.pathValues).map(([name, value]) => [name, { ...value }])),
    query: draft.query.map((entry) => ({ ...entry })),
    headers: { ...draft.headers },
    body,
  };
}

function copyJson(value: unknown): unknown {
  if (value instanceof RawJson) return value;
  if (Array.isArray(value)) return value.map(copyJson);
  if (value && typeof value === 'object') {
    const copy = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(copy, key, { value: copyJson(item), enumerable: true, writable: true, configurable: true });
    }
    return copy;
  }
  return value;
}

/** A case that fast-check prints readably in a counterexample. */
export function fuzzCase(value: FuzzCase): FuzzCase {
  return Object.assign(value, { [fc.toStringMethod]: () => `\n${describeRequest(value)}\n` });
}

// ---------------------------------------------------------------------------------------------
// Printing.

const preview = (text: string, max = 600) => JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);

export function describeRequest({ role, changes, request }: FuzzCase): string {
  const lines = [
    `${request.method} ${request.url.length > 400 ? `${request.url.slice(0, 400)}… (${request.url.length} characters)` : request.url}`,
  ];
  lines.push(`  as ${role}; ${changes.join('; ')}`);
  for (const [name, value] of Object.entries(request.headers)) {
    if (name !== 'authorization' || !value.startsWith('Bearer ') || changes.some((change) => change.includes('forged'))) {
      lines.push(`  ${name}: ${value.length > 200 ? `${value.slice(0, 200)}…` : value}`);
    }
  }
  if (request.payload !== undefined) {
    const text = Buffer.isBuffer(request.payload) ? request.payload.toString('latin1') : request.payload;
    lines.push(`  body (${Buffer.byteLength(request.payload)} bytes): ${preview(text)}`);
  }
  return lines.join('\n');
}
