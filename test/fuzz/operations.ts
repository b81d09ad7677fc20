// The operations of the OpenAPI document, read as the fuzz test needs them.

/** The JSON Schema subset that the document's request schemas use (zod's output). */
export type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  $ref?: string;
};

export type Parameter = { in: 'path' | 'query' | 'header'; name: string; required: boolean; schema: JsonSchema };

export type Operation = {
  /** `PATCH /api/admin/clients/{id}` */
  key: string;
  method: string;
  path: string;
  parameters: Parameter[];
  /** The JSON body's schema, when the operation takes JSON. */
  jsonBody?: JsonSchema;
  /** The form's schema, when the operation takes multipart/form-data. */
  formBody?: JsonSchema;
  /** Whether a caller must be signed in (the operation's or the document's `security`). */
  isProtected: boolean;
};

type OpenApiDocument = {
  security?: unknown[];
  components?: { schemas?: Record<string, JsonSchema> };
  paths: Record<string, Record<string, OpenApiOperation>>;
};

type OpenApiOperation = {
  parameters?: { in: string; name: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  security?: unknown[];
};

const methods = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

export function operationsOf(document: OpenApiDocument): Operation[] {
  const resolve = (schema: JsonSchema): JsonSchema => resolveRefs(schema, document.components?.schemas ?? {});
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!methods.includes(method)) continue;
      const content = operation.requestBody?.content ?? {};
      const json = content['application/json']?.schema;
      const form = content['multipart/form-data']?.schema;
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        parameters: (operation.parameters ?? []).map((parameter) => ({
          in: parameter.in as Parameter['in'],
          name: parameter.name,
          required: Boolean(parameter.required),
          schema: resolve(parameter.schema),
        })),
        jsonBody: json && resolve(json),
        formBody: form && resolve(form),
        isProtected: (operation.security ?? document.security ?? []).length > 0,
      });
    }
  }
  return operations;
}

function resolveRefs(schema: JsonSchema, components: Record<string, JsonSchema>, depth = 0): JsonSchema {
  if (depth > 20) throw new Error('Request schemas nest deeper than expected');
  if (schema.$ref) {
    const target = components[schema.$ref.replace('#/components/schemas/', '')];
    if (!target) throw new Error(`Unknown schema ${schema.$ref}`);
    return resolveRefs(target, components, depth + 1);
  }
  const resolved: JsonSchema = { ...schema };
  if (schema.properties) {
    resolved.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, property]) => [name, resolveRefs(property, components, depth + 1)]),
    );
  }
  if (schema.items) resolved.items = resolveRefs(schema.items, components, depth + 1);
  if (schema.anyOf) resolved.anyOf = schema.anyOf.map((variant) => resolveRefs(variant, components, depth + 1));
  return resolved;
}

/** Every literal path segment of the document: a generated path value must not turn into one (it would name another route). */
export function literalSegmentsOf(operations: Operation[]): Set<string> {
  const segments = new Set<string>();
  for (const operation of operations) {
    for (const segment of operation.path.split('/')) if (segment && !segment.startsWith('{')) segments.add(segment);
  }
  return segments;
}

/** The methods served at each path of the document (HEAD wherever GET is: Fastify adds it). */
export function methodsByPath(operations: Operation[]): Map<string, Set<string>> {
  const byPath = new Map<string, Set<string>>();
  for (const operation of operations) {
    const served = byPath.get(operation.path) ?? new Set<string>();
    served.add(operation.method);
    if (operation.method === 'GET') served.add('HEAD');
    byPath.set(operation.path, served);
  }
  return byPath;
}
