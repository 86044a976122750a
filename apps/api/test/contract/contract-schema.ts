/**
 * A Mix contract (shared/contract/mix-openapi.yaml, or mix-openapi-v0.11.4.yaml) as a JSON-schema
 * validator, so tests can check our answers against the document clients' SDKs were generated from.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parse } from "yaml";

/** The shared folder sits beside the repository (MIX_CONTRACT_PATH points elsewhere). */
const DEFAULT_PATH = join(__dirname, "../../../../../shared/contract/mix-openapi.yaml");
export const CONTRACT_PATH = process.env.MIX_CONTRACT_PATH ?? (existsSync(DEFAULT_PATH) ? DEFAULT_PATH : undefined);
/** The contract of today's Mix SDKs (v0.11.4), beside the other one (MIX_CONTRACT_V0114_PATH points elsewhere). */
const DEFAULT_V0114_PATH = join(__dirname, "../../../../../shared/contract/mix-openapi-v0.11.4.yaml");
export const CONTRACT_V0114_PATH = process.env.MIX_CONTRACT_V0114_PATH ?? (existsSync(DEFAULT_V0114_PATH) ? DEFAULT_V0114_PATH : undefined);

type Json = Record<string, unknown>;

export interface ContractOperation {
  method: string;
  path: string;
  responses: Record<string, Json>;
}

/** OpenAPI 3.0's `nullable: true` (used throughout the document) as JSON Schema's type union. */
function nullableToTypeUnion(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableToTypeUnion);
  if (!node || typeof node !== "object") return node;
  const copy: Json = {};
  for (const [key, value] of Object.entries(node)) copy[key] = nullableToTypeUnion(value);
  if (copy.nullable === true && typeof copy.type === "string") copy.type = [copy.type, "null"];
  delete copy.nullable;
  return copy;
}

const pointer = (...segments: string[]) => segments.map((segment) => segment.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

export class ContractSchema {
  readonly document: Json;
  private readonly ajv: Ajv;

  constructor(path = CONTRACT_PATH) {
    if (!path) throw new Error("the shared/contract document was not found beside the repository");
    this.document = nullableToTypeUnion(parse(readFileSync(path, "utf8"))) as Json;
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema(this.document, "contract");
  }

  operations(): ContractOperation[] {
    const paths = this.document.paths as Record<string, Record<string, { responses: Record<string, Json> }>>;
    return Object.entries(paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, responses: operation.responses })),
    );
  }

  /** The validator of an operation's JSON answer for a status, or undefined when none is declared. */
  responseValidator(method: string, path: string, status: number): ValidateFunction | undefined {
    const operation = this.operations().find((op) => op.method === method && op.path === path);
    if (!operation) throw new Error(`${method} ${path} is not in the contract`);
    const response = operation.responses[String(status)] as { content?: Record<string, unknown> } | undefined;
    if (!response?.content?.["application/json"]) return undefined;
    return this.ajv.getSchema(
      `contract#/${pointer("paths", path, method.toLowerCase(), "responses", String(status), "content", "application/json", "schema")}`,
    );
  }

  declaredStatuses(method: string, path: string): number[] {
    const operation = this.operations().find((op) => op.method === method && op.path === path);
    return Object.keys(operation?.responses ?? {}).map(Number);
  }

  hasSchema(name: string): boolean {
    return Boolean((this.document.components as { schemas?: Json } | undefined)?.schemas?.[name]);
  }

  schema(name: string): ValidateFunction {
    const validate = this.ajv.getSchema(`contract#/components/schemas/${name}`);
    if (!validate) throw new Error(`schema ${name} is not in the contract`);
    return validate;
  }
}

export function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message}`).join("; ");
}
