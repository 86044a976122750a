/**
 * Hostile variants of every operation of the API's OpenAPI document: each string a request can
 * carry (path parameter, query parameter, header, JSON body field at any depth, multipart file
 * name) set in turn to text Postgres cannot store, the rest of the request valid.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

type Json = Record<string, unknown>;
interface Schema {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  items?: Schema;
  minimum?: number;
}
interface Parameter {
  name: string;
  in: "path" | "query" | "header";
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

/** A hostile character as JSON text, and as close as a percent-encoded URL can carry it. */
export interface HostileText {
  label: string;
  json: string;
  url: string;
}

export const HOSTILE: HostileText[] = [
  { label: "a NUL byte", json: "a\u0000b", url: "a%00b" },
  // Percent-decoding cannot produce a lone surrogate; its WTF-8 bytes are the nearest a URL gets.
  { label: "a lone surrogate", json: "a\ud800b", url: "a%ED%A0%80b" },
];

export interface HostileRequest {
  method: string;
  /** The route as documented, e.g. `POST /api/sessions/{id}/messages`. */
  route: string;
  /** Where the hostile text is, as the 400 should name it (undefined: no field to name). */
  field?: string;
  /**
   * The 400 expected: `named` names the field; `undecodable` is the router's refusal of a path
   * that is not percent-encoded UTF-8; `bare` is Node's HTTP parser refusing the request before
   * the application sees it (no JSON body).
   */
  refusal: "named" | "undecodable" | "bare";
  path: string;
  json?: unknown;
  multipartFileName?: string;
  /** Raw header line for a header the HTTP client library would refuse to send. */
  rawHeader?: string;
}

export interface Fixtures {
  /** A valid value for each path parameter name. */
  pathParams: Record<string, string>;
  /** A valid value for each required query parameter name. */
  queryParams: Record<string, string>;
  /** Body properties whose schema alone does not say what is valid (e.g. a string that must be empty). */
  bodyValues?: Record<string, unknown>;
}

export function loadOpenApiOperations(): { method: string; path: string; operation: Operation }[] {
  const document = JSON.parse(readFileSync(join(__dirname, "../../openapi.json"), "utf8")) as { paths: Record<string, Record<string, Operation>> };
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
}

/** A valid value for a schema: every property present, so every string leaf is reached. */
function sample(schema: Schema, known: Record<string, unknown>): unknown {
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case "object":
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, value]) => [key, key in known ? known[key] : sample(value, known)]));
    case "array":
      return schema.items ? [sample(schema.items, known)] : [];
    case "string":
      return "x";
    case "integer":
    case "number":
      return Math.max(1, schema.minimum ?? 1);
    case "boolean":
      return false;
    default:
      return null;
  }
}

/** The paths (`callbacks.0.toolName`) of every free-text string in a schema; enums are left out. */
function stringLeaves(schema: Schema, prefix: (string | number)[] = []): (string | number)[][] {
  if (schema.type === "object") return Object.entries(schema.properties ?? {}).flatMap(([key, value]) => stringLeaves(value, [...prefix, key]));
  if (schema.type === "array" && schema.items) return stringLeaves(schema.items, [...prefix, 0]);
  return schema.type === "string" && !schema.enum ? [prefix] : [];
}

function withValue(value: unknown, path: (string | number)[], leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as Json) }) as Json;
  copy[head as string] = withValue(copy[head as string], rest, leaf);
  return copy;
}

export function hostileRequests(fixtures: Fixtures): HostileRequest[] {
  const requests: HostileRequest[] = [];
  for (const { method, path, operation } of loadOpenApiOperations()) {
    const route = `${method} ${path}`;
    const parameters = operation.parameters ?? [];
    const required = Object.entries(fixtures.queryParams).filter(([name]) => parameters.some((p) => p.in === "query" && p.name === name));
    const url = (pathOverride: Record<string, string> = {}, query: [string, string][] = []) => {
      const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => pathOverride[name] ?? encodeURIComponent(fixtures.pathParams[name] ?? "x"));
      const all = [...required.filter(([name]) => !query.some(([q]) => q === name)).map(([k, v]) => [k, encodeURIComponent(v)]), ...query];
      return all.length ? `${filled}?${all.map(([k, v]) => `${k}=${v}`).join("&")}` : filled;
    };
    const jsonSchema = operation.requestBody?.content["application/json"]?.schema;
    const validBody = jsonSchema ? sample(jsonSchema, fixtures.bodyValues ?? {}) : undefined;
    for (const hostile of HOSTILE) {
      for (const parameter of parameters) {
        if (parameter.in === "path") {
          const refusal = hostile.label === "a NUL byte" ? "named" : "undecodable";
          requests.push({ method, route, field: parameter.name, refusal, path: url({ [parameter.name]: hostile.url }), json: validBody });
        }
        // A NUL byte cannot be put in a query string any other way; the WTF-8 form stays literal text.
        if (parameter.in === "query" && hostile.label === "a NUL byte") {
          requests.push({ method, route, field: parameter.name, refusal: "named", path: url({}, [[parameter.name, hostile.url]]), json: validBody });
        }
        if (parameter.in === "header" && hostile.label === "a NUL byte") {
          requests.push({ method, route, refusal: "bare", path: url(), json: validBody, rawHeader: `${parameter.name}: a\u0000b` });
        }
      }
      // A query parameter no route reads is still text that reached the server.
      if (hostile.label === "a NUL byte") {
        requests.push({ method, route, field: "unexpected", refusal: "named", path: url({}, [["unexpected", hostile.url]]), json: validBody });
      }
      if (jsonSchema) {
        for (const leaf of stringLeaves(jsonSchema)) {
          requests.push({ method, route, field: leaf.join("."), refusal: "named", path: url(), json: withValue(validBody, leaf, hostile.json) });
        }
      }
      // A file name decoded from `filename*=UTF-8''a%00b`: only a NUL byte survives the decoding.
      if (operation.requestBody?.content["multipart/form-data"] && hostile.label === "a NUL byte") {
        requests.push({ method, route, refusal: "named", path: url(), multipartFileName: "a%00b.txt" });
      }
    }
  }
  return requests;
}

/** Every operation with path parameters, each parameter in turn set to `value` (already URL-encoded). */
export function pathParamRequests(fixtures: Fixtures, value: string): HostileRequest[] {
  return loadOpenApiOperations().flatMap(({ method, path, operation }) =>
    (operation.parameters ?? [])
      .filter((parameter) => parameter.in === "path")
      .map((parameter) => {
        const filled = path.replace(/\{(\w+)\}/g, (_, name: string) =>
          name === parameter.name ? value : encodeURIComponent(fixtures.pathParams[name] ?? "x"),
        );
        const query = Object.entries(fixtures.queryParams).filter(([name]) => operation.parameters?.some((p) => p.in === "query" && p.name === name));
        const jsonSchema = operation.requestBody?.content["application/json"]?.schema;
        return {
          method,
          route: `${method} ${path}`,
          field: parameter.name,
          refusal: "named" as const,
          path: query.length ? `${filled}?${query.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&")}` : filled,
          json: jsonSchema ? sample(jsonSchema, fixtures.bodyValues ?? {}) : undefined,
        };
      }),
  );
}
