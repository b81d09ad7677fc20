// Cases for what the OpenAPI document does not describe: the tus protocol's headers, and better-auth's
// /api/auth/* catch-all. Each starts from a request that would succeed and carries at least one fault.
import fc from 'fast-check';
import zlib from 'node:zlib';
import type { IdPools, Role } from './fuzz-world.ts';
import type { JsonSchema } from './operations.ts';
import { fuzzCase, type FuzzCase, type Wire } from './requests.ts';
import { invalidJson, jsonText, validJson, type GeneratorContext } from './values.ts';

const uploadsUrl = '/api/admin/job-readiness/expert-sessions/uploads';

type Fault = { label: string; apply(wire: Wire): void };

const fault = (label: string, apply: (wire: Wire) => void): Fault => ({ label, apply });

const setHeader = (name: string, value: string | undefined) => (wire: Wire) => {
  if (value === undefined) delete wire.headers[name];
  else wire.headers[name] = value;
};

/**
 * tus requests on the admin's unfinished upload (1000 of its bytes written) that would succeed as
 * written (create, append at the right offset, ask the offset, terminate), with one or more faults.
 */
export function tusCases(role: Role, credentials: Record<string, string>, pools: IdPools): fc.Arbitrary<FuzzCase> {
  const unfinished = pools.uploads[1]!;
  const finished = pools.uploads[0]!;
  const common = [
    fc.constantFrom(
      fault('no Tus-Resumable', setHeader('tus-resumable', undefined)),
      fault('Tus-Resumable 0.2.2', setHeader('tus-resumable', '0.2.2')),
      fault('Tus-Resumable 2.0.0', setHeader('tus-resumable', '2.0.0')),
    ),
    fc.constantFrom('PUT', 'GET', 'TRACE').map((method) => fault(`method ${method}`, (wire) => (wire.method = method))),
  ];
  const onUpload = [
    ...common,
    fc
      .constantFrom(
        '0123456789abcdef0123456789abcdef',
        'nope',
        '..%2F..%2Fauth-secret',
        '%00',
        finished.slice(0, -1),
        `${unfinished}.json`,
        `${unfinished}x`,
      )
      .map((id) => fault(`unknown upload ${id}`, (wire) => (wire.url = `${uploadsUrl}/${id}`))),
  ];
  const append = (headers: Record<string, string>) => ({
    method: 'PATCH',
    url: `${uploadsUrl}/${unfinished}`,
    headers: {
      ...credentials,
      'tus-resumable': '1.0.0',
      'upload-offset': '1000',
      'content-type': 'application/offset+octet-stream',
      ...headers,
    },
    payload: Buffer.alloc(16, 7),
  });
  const requests: { make: () => Wire; faults: fc.Arbitrary<Fault>[] }[] = [
    {
      make: () => ({ method: 'POST', url: uploadsUrl, headers: { ...credentials, 'tus-resumable': '1.0.0', 'upload-length': '1000' } }),
      faults: [
        ...common,
        fc
          .constantFrom('-1', 'abc', '', '99999999999999999999', String(6 * 1024 ** 3))
          .map((length) => fault(`Upload-Length ${JSON.stringify(length)}`, setHeader('upload-length', length))),
        fc.constant(fault('no Upload-Length', setHeader('upload-length', undefined))),
        // Only 1 is a deferred length: these are wrong with or without Upload-Length.
        fc.constantFrom('0', 'true', '2').map((value) => fault(`Upload-Defer-Length ${value}`, setHeader('upload-defer-length', value))),
        fc
          .constantFrom(
            'filename',
            'filename dGFsay5tcDQ=,',
            'filename !!!notbase64',
            'a b c',
            ',,,',
            'filename dGFsay5tcDQ=,filename dGFsay5tcDQ=',
          )
          .map((metadata) =>
            fault(`Upload-Metadata ${JSON.stringify(metadata)} and Upload-Length -5`, (wire) => {
              wire.headers['upload-metadata'] = metadata;
              wire.headers['upload-length'] = '-5';
            }),
          ),
      ],
    },
    {
      make: () => append({}),
      faults: [
        ...onUpload,
        fc
          .constantFrom('0', '999', '1001', '5000', '-1', 'abc', '', '99999999999999999999')
          .map((offset) => fault(`Upload-Offset ${JSON.stringify(offset)}`, setHeader('upload-offset', offset))),
        fc.constant(fault('no Upload-Offset', setHeader('upload-offset', undefined))),
        fc.constantFrom('application/json', 'text/plain', 'application/octet-stream').map((type) =>
          fault(`content-type ${type}`, (wire) => {
            wire.headers['content-type'] = type;
            wire.payload = type === 'application/json' ? '{"bytes":1}' : 'bytes';
          }),
        ),
        fc.constant(fault('more bytes than the upload has left', (wire) => (wire.payload = Buffer.alloc(64 * 1024, 1)))),
        fc.constant(
          fault('content-encoding gzip', (wire) => {
            wire.headers['content-encoding'] = 'gzip';
            wire.payload = zlib.gzipSync(Buffer.alloc(64 * 1024, 1));
          }),
        ),
      ],
    },
    {
      make: () => ({ method: 'HEAD', url: `${uploadsUrl}/${unfinished}`, headers: { ...credentials, 'tus-resumable': '1.0.0' } }),
      faults: onUpload,
    },
    {
      make: () => ({ method: 'DELETE', url: `${uploadsUrl}/${unfinished}`, headers: { ...credentials, 'tus-resumable': '1.0.0' } }),
      faults: onUpload,
    },
  ];
  return fc
    .constantFrom(...requests)
    .chain((request) => fc.tuple(fc.constant(request), fc.array(fc.oneof(...request.faults), { minLength: 1, maxLength: 3 })))
    .map(([request, faults]) => {
      const wire = request.make();
      for (const change of faults) change.apply(wire);
      return fuzzCase({ role, operation: 'tus', changes: faults.map((change) => change.label), request: wire });
    });
}

const password = { type: 'string', minLength: 8, maxLength: 128 } satisfies JsonSchema;
const authBodies: Record<string, JsonSchema> = {
  'sign-in/email': {
    type: 'object',
    properties: { email: { type: 'string', format: 'email', maxLength: 254 }, password, rememberMe: { type: 'boolean' } },
    required: ['email', 'password'],
  },
  'sign-up/email': {
    type: 'object',
    properties: { email: { type: 'string', format: 'email' }, password, name: { type: 'string', minLength: 1, maxLength: 200 } },
    required: ['email', 'password', 'name'],
  },
  'change-password': {
    type: 'object',
    properties: { currentPassword: password, newPassword: password, revokeOtherSessions: { type: 'boolean' } },
    required: ['currentPassword', 'newPassword'],
  },
  'update-user': {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 200 },
      image: { anyOf: [{ type: 'string', maxLength: 2000 }, { type: 'null' }] },
    },
  },
  'reset-password': {
    type: 'object',
    properties: { token: { type: 'string', maxLength: 200 }, newPassword: password },
    required: ['token', 'newPassword'],
  },
};

/** better-auth's bodies refer to no row of ours: no ids to draw. */
const emptyPools: GeneratorContext = {
  pools: { products: [], clients: [], users: [], mentors: [], students: [], worklets: [], sessions: [], uploads: [] },
  literalSegments: new Set(),
  methodsByPath: new Map(),
  someToken: '',
};

/**
 * Requests to better-auth's endpoints, each with a schema-breaking body, a broken wire format, a body
 * nested too deeply or an endpoint that does not exist. No generated password is the seeded users'
 * (`correct-horse-battery`), so a sign-in or a password change is refused for that alone too.
 */
export function authCases(role: Role, credentials: Record<string, string>): fc.Arbitrary<FuzzCase> {
  const endpoints = Object.entries(authBodies).map(([path, schema]) => ({ path, schema }));
  const bodyFault = fc.constantFrom(...endpoints).chain(({ path, schema }) =>
    fc.record({
      path: fc.constant(path),
      label: fc.constant('JSON body'),
      payload: invalidJson(schema, 'body', emptyPools).map(jsonText),
      type: fc.constant('application/json'),
    }),
  );
  const wireFault = fc.constantFrom(...endpoints).chain(({ path, schema }) =>
    fc
      .record({
        path: fc.constant(path),
        label: fc.constantFrom(
          'malformed JSON',
          'content-type text/plain',
          'content-type application/x-www-form-urlencoded',
          'no content-type',
        ),
        payload: validJson(schema, 'body', emptyPools).map(jsonText),
        type: fc.constant(''),
      })
      .map((draft) =>
        draft.label === 'malformed JSON'
          ? { ...draft, payload: draft.payload.slice(0, -1), type: 'application/json' }
          : { ...draft, type: draft.label.replace('content-type ', '').replace('no content-type', '') },
      ),
  );
  const deepBody = fc.tuple(fc.constantFrom(...endpoints), fc.integer({ min: 17, max: 200_000 })).map(([{ path }, depth]) => ({
    path,
    label: `a body ${depth} levels deep`,
    payload: `{"email":${'['.repeat(depth)}${']'.repeat(depth)},"token":"x","password":"x"}`,
    type: 'application/json',
  }));
  const unknownPath = fc
    .tuple(
      fc.constantFrom('GET', 'POST'),
      fc.constantFrom('nope', 'sign-in', 'sign-in/email/x', 'admin/list-users', '..%2Fadmin', '%00', 'sign-in%2Femail', 'x'.repeat(300)),
    )
    .map(([method, path]) => ({
      method,
      path,
      label: `unknown endpoint ${method} ${path.slice(0, 20)}`,
      payload: method === 'POST' ? '{}' : undefined,
      type: 'application/json',
    }));
  return fc
    .oneof(
      { weight: 3, arbitrary: bodyFault.map((draft) => ({ ...draft, method: 'POST' })) },
      { weight: 2, arbitrary: wireFault.map((draft) => ({ ...draft, method: 'POST' })) },
      deepBody.map((draft) => ({ ...draft, method: 'POST' })),
      unknownPath,
    )
    .map(({ method, path, label, payload, type }) => {
      const headers: Record<string, string> = { ...credentials };
      if (type) headers['content-type'] = type;
      return fuzzCase({
        role,
        operation: 'better-auth',
        changes: [label],
        request: { method, url: `/api/auth/${path}`, headers, payload },
      });
    });
}
