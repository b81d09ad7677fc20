// Property-based fuzzing of every operation of /api/openapi.json, as every role: each generated request
// is invalid by construction (see requests.ts), so each must answer a 4xx in the error shape and leave
// every table's rows and every file as they were. A 2xx is a failure too.
//
// FUZZ_RUNS (default 3000) is the number of generated requests over all operations and roles;
// FUZZ_SEED (default 24) the seed they derive from.
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, roles, stateChanges, stateReader, type Role, type WorldState } from './fuzz-world.ts';
import { literalSegmentsOf, methodsByPath, operationsOf, type Operation } from './operations.ts';
import { casesFor, describeRequest, fuzzCase, type FuzzCase, type Wire } from './requests.ts';
import type { GeneratorContext } from './values.ts';
import { counterexamples } from './counterexamples.ts';
import { authCases, tusCases } from './hand-written.ts';
import { describeRaw, rawCases, sendRaw, type RawCase } from './raw-http.ts';

const totalRuns = Number(process.env.FUZZ_RUNS ?? 3000);
const baseSeed = Number(process.env.FUZZ_SEED ?? 24);
/** Generated requests for a role the operation refuses outright (401/403 before anything is read). */
const refusedRoleRuns = 4;

const cpuAtStart = process.cpuUsage();
const world = await createWorld();
const { t } = world;
const document = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
const operations = operationsOf(document);
// Every role signs in before the state is taken: a sign-in writes a session.
for (const role of roles) await world.headersOf(role);
const state = await stateReader(t);
const initialState = await state.read();
let expectedState: WorldState = initialState;
let requestsSent = 0;

const context: GeneratorContext = {
  pools: world.pools,
  literalSegments: literalSegmentsOf(operations),
  methodsByPath: methodsByPath(operations),
  someToken: (await world.headersOf('mentor')).authorization!.replace('Bearer ', ''),
};

afterAll(() => t.close());

/** What is wrong with an answer to an invalid request; empty when nothing is. */
function answerProblems(request: Wire, response: LightMyRequestResponse): string[] {
  const problems: string[] = [];
  if (response.statusCode < 400 || response.statusCode > 499) problems.push(`status ${response.statusCode}, not a 4xx`);
  if (request.method === 'HEAD') {
    if (response.body !== '') problems.push('a body on a HEAD answer');
    return problems;
  }
  const type = String(response.headers['content-type'] ?? '');
  if (!type.startsWith('application/json')) problems.push(`content-type ${JSON.stringify(type)}, not JSON`);
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    problems.push('a body that is not JSON');
    return problems;
  }
  if (!isErrorShape(body)) problems.push('a body not in the error shape {"error":{"code","message","details"?}}');
  return problems;
}

function isErrorShape(body: unknown): boolean {
  if (!body || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).join() !== 'error') return false;
  const error = (body as { error: unknown }).error as Record<string, unknown> | null;
  if (!error || typeof error !== 'object') return false;
  const keys = Object.keys(error);
  return (
    typeof error.code === 'string' &&
    error.code.length > 0 &&
    typeof error.message === 'string' &&
    keys.every((key) => key === 'code' || key === 'message' || key === 'details')
  );
}

/** Sends one case and throws, with the exchange in words, if its answer or its effects are wrong. */
async function exchange(fuzzCase: FuzzCase): Promise<void> {
  const { request } = fuzzCase;
  requestsSent += 1;
  const response = await t.app.inject({
    method: request.method as 'GET',
    url: request.url,
    headers: request.headers,
    payload: request.payload,
  });
  const problems = answerProblems(request, response);
  const now = await state.read();
  const changes = stateChanges(expectedState, now);
  if (changes.length) {
    // Later cases are measured against what this one left.
    expectedState = now;
    problems.push(`it changed what it must not: ${changes.join('; ')}`);
  }
  if (problems.length) {
    const body = response.body.length > 600 ? `${response.body.slice(0, 600)}…` : response.body;
    throw new Error(
      `${problems.join('; ')}\n${describeRequest(fuzzCase)}\n→ ${response.statusCode} ${response.headers['content-type'] ?? '(no content-type)'}\n  ${body}`,
    );
  }
}

/** Sends one raw request and throws, with the exchange in words, if its answer or its effects are wrong. */
async function rawExchange(port: number, rawCase: RawCase): Promise<void> {
  requestsSent += 1;
  const answer = await sendRaw(port, rawCase.bytes);
  const problems: string[] = [];
  if ('failure' in answer) problems.push(answer.failure);
  else {
    if (answer.status < 400 || answer.status > 499) problems.push(`status ${answer.status}, not a 4xx`);
    if (!(answer.headers['content-type'] ?? '').startsWith('application/json'))
      problems.push(`content-type ${JSON.stringify(answer.headers['content-type'] ?? '')}, not JSON`);
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      problems.push('a body that is not JSON');
    }
    if (body !== undefined && !isErrorShape(body)) problems.push('a body not in the error shape');
  }
  const now = await state.read();
  const changes = stateChanges(expectedState, now);
  if (changes.length) {
    expectedState = now;
    problems.push(`it changed what it must not: ${changes.join('; ')}`);
  }
  if (problems.length) {
    const shown =
      'failure' in answer
        ? ''
        : `\n→ ${answer.status} ${answer.headers['content-type'] ?? '(no content-type)'}\n  ${answer.body.slice(0, 600)}`;
    throw new Error(`${problems.join('; ')}\n${describeRaw(rawCase)}${shown}`);
  }
}

/** A seed for one property, from the run's seed and the property's name. */
function seedFor(name: string): number {
  let hash = baseSeed | 0;
  for (const character of name) hash = (Math.imul(hash, 31) + character.charCodeAt(0)) | 0;
  return hash;
}

/** Runs a property; returns fast-check's report when it fails (shrunk counterexample and the exchange). */
async function check(name: string, cases: fc.Arbitrary<FuzzCase>, numRuns: number): Promise<string | undefined> {
  const details = await fc.check(fc.asyncProperty(cases, exchange), { seed: seedFor(name), numRuns });
  if (!details.failed) return undefined;
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  return `${name}\n${fc.defaultReportMessage(details)}\nThe shrunk exchange: ${error}`;
}

/** Whether an operation refuses a role before reading anything (401 or 403 for any request). */
async function refuses(operation: Operation, role: Role): Promise<boolean> {
  const url = operation.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    name === 'uploadId' ? 'probe' : '00000000-0000-0000-0000-000000000000',
  );
  const hasBody = !['GET', 'HEAD'].includes(operation.method);
  const response = await t.app.inject({
    method: operation.method as 'GET',
    url,
    headers: { ...(await world.headersOf(role)), ...(hasBody ? { 'content-type': 'text/plain' } : {}) },
    payload: hasBody ? 'probe' : undefined,
  });
  return response.statusCode === 401 || response.statusCode === 403;
}

const runsOf = new Map<string, number>();

describe(`fuzz: every operation of the OpenAPI document, as every role (FUZZ_RUNS=${totalRuns}, FUZZ_SEED=${baseSeed})`, () => {
  beforeAll(async () => {
    const pairs: { key: string; refused: boolean }[] = [];
    for (const operation of operations) {
      for (const role of roles) pairs.push({ key: `${operation.key} as ${role}`, refused: await refuses(operation, role) });
    }
    expect(stateChanges(expectedState, await state.read())).toEqual([]);
    const handWritten = roles.flatMap((role) => [`tus protocol as ${role}`, `better-auth as ${role}`, `raw HTTP as ${role}`]);
    const refused = pairs.filter((pair) => pair.refused);
    const runsForTheRest = Math.max(0, totalRuns - refusedRoleRuns * refused.length);
    const perProperty = Math.max(8, Math.floor(runsForTheRest / (pairs.length - refused.length + handWritten.length)));
    for (const pair of pairs) runsOf.set(pair.key, pair.refused ? refusedRoleRuns : perProperty);
    for (const name of handWritten) runsOf.set(name, perProperty);
  });

  afterAll(() => {
    const planned = [...runsOf.values()].reduce((sum, runs) => sum + runs, 0);
    const { user, system } = process.cpuUsage(cpuAtStart);
    console.log(
      `fuzz: ${planned} generated requests planned, ${requestsSent} sent (shrinking included) over ${operations.length} operations × ` +
        `${roles.length} roles, tus and better-auth; ${((user + system) / 1e6).toFixed(1)} s of this process's CPU, setup included`,
    );
  });

  it('replays the counterexamples found so far, one per class of failure', async () => {
    const failures: string[] = [];
    for (const { found, role, request } of counterexamples(world.pools)) {
      const headers = { ...(await world.headersOf(role)), ...request.headers };
      await exchange(fuzzCase({ role, operation: found, changes: [`found: ${found}`], request: { ...request, headers } })).catch(
        (error: Error) => failures.push(error.message),
      );
    }
    if (failures.length) throw new Error(failures.join('\n\n'));
  });

  for (const operation of operations) {
    it(operation.key, async () => {
      const failures: string[] = [];
      for (const role of roles) {
        const name = `${operation.key} as ${role}`;
        const headers = await world.headersOf(role);
        const failure = await check(name, casesFor(operation, role, headers, context), runsOf.get(name)!);
        if (failure) failures.push(failure);
      }
      if (failures.length) throw new Error(failures.join('\n\n'));
    }, 300_000);
  }

  it('tus: resumable uploads beyond what the document describes', async () => {
    const failures: string[] = [];
    for (const role of roles) {
      const name = `tus protocol as ${role}`;
      const failure = await check(name, tusCases(role, await world.headersOf(role), world.pools), runsOf.get(name)!);
      if (failure) failures.push(failure);
    }
    if (failures.length) throw new Error(failures.join('\n\n'));
  }, 300_000);

  it('better-auth: /api/auth/*', async () => {
    const failures: string[] = [];
    for (const role of roles) {
      const name = `better-auth as ${role}`;
      const failure = await check(name, authCases(role, await world.headersOf(role)), runsOf.get(name)!);
      if (failure) failures.push(failure);
    }
    if (failures.length) throw new Error(failures.join('\n\n'));
  }, 300_000);

  it('HTTP as Node reads it: over-long URLs and headers, malformed request and header lines, bad chunks', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const failures: string[] = [];
    for (const role of roles) {
      const name = `raw HTTP as ${role}`;
      const property = fc.asyncProperty(rawCases(await world.headersOf(role)), (rawCase: RawCase) => rawExchange(port, rawCase));
      const details = await fc.check(property, { seed: seedFor(name), numRuns: runsOf.get(name)! });
      if (details.failed)
        failures.push(`${name}\n${fc.defaultReportMessage(details)}\nThe shrunk exchange: ${(details.errorInstance as Error).message}`);
    }
    if (failures.length) throw new Error(failures.join('\n\n'));
  }, 300_000);

  it('leaves every table and every file as it found them', async () => {
    expect(state.tables.length).toBeGreaterThan(10);
    expect(stateChanges(initialState, await state.read())).toEqual([]);
  });
});
