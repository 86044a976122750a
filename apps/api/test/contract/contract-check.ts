/**
 * Checks the walk's answers against both Mix contracts at once: the seeds' (mix-openapi.yaml) and
 * today's SDK's (mix-openapi-v0.11.4.yaml). Each answer is validated against every document that
 * declares its operation, and each SSE event against every document with its SSE*Event schema,
 * so one running stack serves clients of either SDK generation. What was walked is recorded per
 * document, for the coverage check against PENDING_OPERATIONS.
 */
import type { Response } from "supertest";
import type { SseEvent } from "@mix/testing";
import { CONTRACT_PATH, CONTRACT_V0114_PATH, ContractSchema, describeErrors } from "./contract-schema";
import { PENDING_OPERATIONS } from "./pending-operations";

export const CONTRACTS = { seeds: new ContractSchema(CONTRACT_PATH), "v0.11.4": new ContractSchema(CONTRACT_V0114_PATH) };
export type ContractName = keyof typeof CONTRACTS;
export const CONTRACT_NAMES = Object.keys(CONTRACTS) as ContractName[];

/** The User-Agent of the v0.11.4 TypeScript SDK outside a browser (it is shown forks as "main", see SdkSessionTypeInterceptor). */
export const V0114_SDK_USER_AGENT = "speakeasy-sdk/typescript 0.11.4 2.716.10 1.0.0 mix-typescript-sdk";

const operationsOf = (name: ContractName) => CONTRACTS[name].operations().map((op) => `${op.method} ${op.path}`);
const declares = (name: ContractName, method: string, path: string) => CONTRACTS[name].operations().some((op) => op.method === method && op.path === path);

/** `tool_use_start` → `SSEToolUseStartEvent`. */
export const sseSchemaName = (event: string) =>
  `SSE${event
    .split("_")
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join("")}Event`;

export class ContractWalker {
  private readonly walked = Object.fromEntries(CONTRACT_NAMES.map((name) => [name, new Set<string>()])) as Record<ContractName, Set<string>>;

  /**
   * Asserts the answer's status, and that it is declared (or a documented extra) with a body
   * that matches, in every contract that has the operation (or only those in `only`).
   */
  check(method: string, path: string, response: Response, expectedStatus: number, only: ContractName[] = CONTRACT_NAMES): void {
    const names = only.filter((name) => declares(name, method, path));
    if (!names.length) throw new Error(`${method} ${path} is in none of the contracts ${only.join(", ")}`);
    expect({ op: `${method} ${path}`, status: response.status }).toEqual({ op: `${method} ${path}`, status: expectedStatus });
    for (const name of names) this.validate(name, method, path, response);
  }

  /** Marks an operation walked where it is not answered as JSON (the SSE stream). */
  walkedOperation(method: string, path: string): void {
    for (const name of CONTRACT_NAMES) if (declares(name, method, path)) this.walked[name].add(`${method} ${path}`);
  }

  /** Asserts the event matches its SSE*Event schema in every contract that has one (and that one does). */
  checkEvent(event: SseEvent): void {
    const schema = sseSchemaName(event.event);
    const names = CONTRACT_NAMES.filter((name) => CONTRACTS[name].hasSchema(schema));
    expect({ event: event.event, contracts: names.length > 0 }).toEqual({ event: event.event, contracts: true });
    for (const contract of names) {
      const validate = CONTRACTS[contract].schema(schema);
      const valid = validate({ id: event.id, event: event.event, data: event.data });
      expect({ contract, event: event.event, errors: valid ? "" : describeErrors(validate) }).toEqual({ contract, event: event.event, errors: "" });
    }
  }

  /** The operations of a contract neither walked nor pending (and the walked ones it lacks): both should be empty. */
  coverage(name: ContractName): { notWalked: string[]; notInContract: string[] } {
    const all = operationsOf(name);
    const pending = Object.keys(PENDING_OPERATIONS);
    const walked = [...this.walked[name]];
    return {
      notWalked: all.filter((op) => !pending.includes(op) && !walked.includes(op)).sort(),
      notInContract: walked.filter((op) => !all.includes(op)).sort(),
    };
  }

  private validate(name: ContractName, method: string, path: string, response: Response): void {
    const contract = CONTRACTS[name];
    const op = `${name}: ${method} ${path} ${response.status}`;
    this.walked[name].add(`${method} ${path}`);
    if (response.status === 204) return;
    const declared = contract.declaredStatuses(method, path).includes(response.status);
    const validate = contract.responseValidator(method, path, response.status) ?? (response.status >= 400 ? contract.schema("ErrorResponse") : undefined);
    if (!validate) {
      // A declared answer without a JSON body (a file's bytes) has nothing to validate.
      if (declared) return;
      throw new Error(`${op}: the contract does not declare this status`);
    }
    const valid = validate(response.body);
    expect({ op, errors: valid ? "" : describeErrors(validate) }).toEqual({ op, errors: "" });
  }
}

/** Every operation of either contract that is pending is in one of them at least. */
export function pendingOutsideContracts(): string[] {
  const all = new Set(CONTRACT_NAMES.flatMap(operationsOf));
  return Object.keys(PENDING_OPERATIONS).filter((op) => !all.has(op));
}
