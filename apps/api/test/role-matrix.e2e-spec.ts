/**
 * Every route of the API against every role. The routes come from the Nest app's own route
 * table (its controllers' metadata), so a route added without a rule fails here: each must be
 * @Public() or carry @RequiresRole, and each answers 403 exactly to the roles below its rule.
 * Bodies and ids are harmless (empty bodies, unknown ids): any answer but a 403 means "allowed".
 */
import { Controller, Get, type INestApplication } from "@nestjs/common";
import { METHOD_METADATA, PATH_METADATA } from "@nestjs/common/constants";
import { APP_FILTER, APP_GUARD, ModulesContainer } from "@nestjs/core";
import { Test } from "@nestjs/testing";
import request from "supertest";
import { roleAtLeast, type Role } from "@mix/core";
import { RoleGuard } from "../src/common/auth/role.guard";
import { IS_PUBLIC } from "../src/common/auth/public.decorator";
import { REQUIRED_ROLE } from "../src/common/auth/requires-role.decorator";
import { HttpExceptionFilter } from "../src/common/http-exception.filter";
import { buildOpenApiDocument } from "../src/openapi";
import { createRoleKeys, ROLES, workspaceOf } from "./helpers/role-keys";
import { startTestStack, type TestStack } from "./helpers/test-stack";

const HTTP_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "ALL", "OPTIONS", "HEAD", "SEARCH"];

interface Route {
  method: string;
  path: string;
  rule: Role | "public" | undefined;
  handler: string;
}

const joinPath = (...parts: string[]) =>
  `/${parts
    .flatMap((part) => part.split("/"))
    .filter(Boolean)
    .join("/")}`;

/** Every route the app's controllers declare, with the rule its metadata gives it. */
function routeTable(app: INestApplication): Route[] {
  const routes: Route[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      const prefixes = [Reflect.getMetadata(PATH_METADATA, controller) ?? ""].flat() as string[];
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === "constructor" || typeof handler !== "function") continue;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as number | undefined;
        if (paths === undefined || method === undefined) continue;
        const isPublic = Reflect.getMetadata(IS_PUBLIC, handler) ?? Reflect.getMetadata(IS_PUBLIC, controller);
        const role = (Reflect.getMetadata(REQUIRED_ROLE, handler) ?? Reflect.getMetadata(REQUIRED_ROLE, controller)) as Role | undefined;
        for (const prefix of prefixes)
          for (const path of [paths].flat())
            routes.push({
              method: HTTP_METHODS[method]!,
              path: joinPath(prefix, path),
              rule: isPublic ? "public" : role,
              handler: `${controller.name}.${name}`,
            });
      }
    }
  }
  return routes;
}

/** A harmless URL for the route: unknown ids for parameters. */
const concrete = (path: string) => path.replace(/:[A-Za-z_]+/g, "00000000-0000-4000-8000-000000000000").replace(/\*[A-Za-z_]+/g, "no-such-file.txt");

let stack: TestStack;
let url: string;
let routes: Route[];
let keys: Record<Role, { secret: string; id: string }>;

beforeAll(async () => {
  stack = await startTestStack({ label: "role-matrix", workers: 0 });
  url = stack.apis[0]!.url;
  const services = stack.apis[0]!.api.services;
  keys = await createRoleKeys(services, await workspaceOf(services, stack.key));
  routes = routeTable(stack.apis[0]!.api.app);
});
afterAll(() => stack?.close());

it("reads the whole route table: every operation of the OpenAPI document is in it", () => {
  const document = buildOpenApiDocument(stack.apis[0]!.api.app);
  const documented = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((method) => HTTP_METHODS.includes(method.toUpperCase()))
      .map((method) => `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ":$1")}`),
  );
  const table = new Set(routes.map((route) => `${route.method} ${route.path.replace(/\*([A-Za-z_]+)/, ":$1")}`));
  expect(documented.length).toBeGreaterThan(40);
  expect(documented.filter((operation) => !table.has(operation))).toEqual([]);
});

it("gives every route a rule: @Public() or @RequiresRole", () => {
  expect(routes.filter((route) => route.rule === undefined).map((route) => `${route.method} ${route.path} (${route.handler})`)).toEqual([]);
});

it("answers 403 (reason forbidden) exactly to the roles below each route's rule", async () => {
  const mismatches: string[] = [];
  for (const route of routes) {
    for (const role of ROLES) {
      const controller = new AbortController();
      const response = await fetch(`${url}${concrete(route.path)}`, {
        method: route.method,
        headers: { Authorization: `Bearer ${keys[role].secret}`, "Content-Type": "application/json" },
        ...(["POST", "PUT", "PATCH"].includes(route.method) ? { body: "{}" } : {}),
        signal: controller.signal,
      });
      // An event stream that opened never ends by itself: its status is all this needs.
      const body = response.headers.get("content-type")?.includes("application/json")
        ? ((await response.json()) as { error?: { reason?: string } })
        : undefined;
      controller.abort();
      const refused = response.status === 403 && body?.error?.reason === "forbidden";
      const shouldRefuse = route.rule !== "public" && route.rule !== undefined && !roleAtLeast(role, route.rule);
      if (refused !== shouldRefuse) mismatches.push(`${route.method} ${route.path} as ${role} (rule ${route.rule}): ${response.status}`);
      if (refused)
        expect(body).toEqual({ error: { code: 403, type: "unauthorized", reason: "forbidden", message: expect.stringContaining(String(route.rule)) } });
    }
  }
  expect(mismatches).toEqual([]);
});

it("refuses a route with no rule to every key (fail closed), in the error shape", async () => {
  @Controller("unruled")
  class UnruledController {
    @Get()
    get() {
      return { ran: true };
    }
  }
  const principals: Record<string, Role> = { owner: "owner", reader: "read_only" };
  const module = await Test.createTestingModule({
    controllers: [UnruledController],
    providers: [
      // Stands in for ApiKeyGuard: the key's role from a header.
      {
        provide: APP_GUARD,
        useValue: {
          canActivate: (context: { switchToHttp(): { getRequest(): { headers: Record<string, string>; principal?: unknown } } }) => {
            const http = context.switchToHttp().getRequest();
            http.principal = { workspaceId: "w", apiKeyId: "k", memberId: null, role: principals[http.headers["x-as"]!] };
            return true;
          },
        },
      },
      { provide: APP_GUARD, useClass: RoleGuard },
      { provide: APP_FILTER, useClass: HttpExceptionFilter },
    ],
  }).compile();
  const app = module.createNestApplication({ logger: false });
  await app.init();
  try {
    for (const as of Object.keys(principals)) {
      const response = await request(app.getHttpServer()).get("/unruled").set("x-as", as);
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ error: { code: 403, type: "unauthorized", reason: "forbidden", message: expect.stringContaining("no role rule") } });
    }
  } finally {
    await app.close();
  }
});
