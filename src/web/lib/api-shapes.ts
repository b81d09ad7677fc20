import type { components, paths } from './api-types.ts';

// The API's shapes as the server declares them: api-types.ts is generated from its OpenAPI document
// (`npm run api:types`, checked by `npm test`), so a change on the server that the web app does not
// follow fails the type check instead of a screen.

/** A shape by its name in the OpenAPI document: `Schema<'User'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Operation<Path extends keyof paths, M extends Method> = M extends keyof paths[Path] ? paths[Path][M] : never;
type Json<Content> = Content extends { content: { 'application/json': infer Body } } ? Body : never;

/** The JSON body `method path` answers with when it succeeds: `ResponseOf<'/api/me', 'get'>`. */
export type ResponseOf<Path extends keyof paths, M extends Method> =
  Operation<Path, M> extends { responses: infer Responses }
    ? Responses extends { 200: infer Ok }
      ? Json<Ok>
      : Responses extends { 201: infer Created }
        ? Json<Created>
        : never
    : never;

/** The JSON body `method path` takes: `BodyOf<'/api/admin/users/{id}', 'patch'>`. */
export type BodyOf<Path extends keyof paths, M extends Method> =
  Operation<Path, M> extends { requestBody?: infer Body } ? Json<NonNullable<Body>> : never;

/** The query parameters `method path` takes: `QueryOf<'/api/admin/users', 'get'>`. */
export type QueryOf<Path extends keyof paths, M extends Method> =
  Operation<Path, M> extends { parameters: { query?: infer Query } } ? NonNullable<Query> : never;
