/**
 * Both contracts at once: the exact JSON a client of the seeds' SDK (mix-openapi.yaml) and one of
 * today's Mix SDK (mix-openapi-v0.11.4.yaml) send for create, list, get and send, with every
 * answer validated against both documents. Then the rules v0.11.4 adds (browserMode and cdpUrl,
 * provider with modelId, sessionType and subagentType) and the unknown-field policy of create.
 */
import request, { type Response } from "supertest";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";
import { CONTRACT_PATH, CONTRACT_V0114_PATH, ContractSchema, describeErrors } from "./contract/contract-schema";

const specs = { seeds: new ContractSchema(CONTRACT_PATH), "v0.11.4": new ContractSchema(CONTRACT_V0114_PATH) };
let stack: TestStack;
let url: string;

beforeAll(async () => {
  stack = await startTestStack({ label: "contract-v0114", workers: 0 });
  url = stack.apis[0]!.url;
});
afterAll(() => stack?.close());

/** A raw JSON body, byte for byte what the SDK puts on the wire. */
const postJson = (path: string, json: string) => request(url).post(path).set(bearer(stack.key)).set("Content-Type", "application/json").send(json);
const get = (path: string) => request(url).get(path).set(bearer(stack.key));

/** The answer matches the schema each contract declares for it (errors: ErrorResponse). */
function expectValid(method: string, path: string, response: Response, status: number): void {
  expect(response.status).toBe(status);
  for (const [name, spec] of Object.entries(specs)) {
    const validate = spec.responseValidator(method, path, status) ?? spec.schema("ErrorResponse");
    const valid = validate(response.body);
    expect({ spec: name, op: `${method} ${path} ${status}`, errors: valid ? "" : describeErrors(validate) }).toEqual({
      spec: name,
      op: `${method} ${path} ${status}`,
      errors: "",
    });
  }
}

const CREATES: [string, string, Record<string, unknown>][] = [
  ["seeds SDK, title only", `{"title":"Research"}`, { browserMode: "local-browser-service" }],
  [
    "seeds SDK, every field",
    `{"title":"Research","customSystemPrompt":"You know $<domain>.","promptMode":"append","sessionType":"main","subagentType":"","callbacks":[{"type":"bash_script","toolName":"*","bashCommand":"echo done"}]}`,
    { browserMode: "local-browser-service" },
  ],
  ["v0.11.4 SDK, required fields", `{"title":"Research","browserMode":"local-browser-service"}`, { browserMode: "local-browser-service" }],
  ["v0.11.4 SDK, embedded browser", `{"title":"Research","browserMode":"electron-embedded-browser"}`, { browserMode: "electron-embedded-browser" }],
  [
    "v0.11.4 SDK, remote browser and a model",
    `{"browserMode":"remote-cdp-websocket","cdpUrl":"wss://connect.browserbase.com/v1/sessions/abc123","modelId":"scripted-1","promptMode":"default","provider":"scripted","sessionType":"main","title":"Research"}`,
    { browserMode: "remote-cdp-websocket", cdpUrl: "wss://connect.browserbase.com/v1/sessions/abc123", provider: "scripted", modelId: "scripted-1" },
  ],
];

describe.each(CREATES)("%s", (_name, json, shown) => {
  let id: string;

  it("creates, and the session is shown with its browser and model in both contracts' shape", async () => {
    const created = await postJson("/api/sessions", json);
    expectValid("POST", "/api/sessions", created, 201);
    expect(created.body).toMatchObject({ title: "Research", sessionType: "main", ...shown });
    if (!("cdpUrl" in shown)) expect(created.body).not.toHaveProperty("cdpUrl");
    expect(created.headers["x-mix-ignored-fields"]).toBeUndefined();
    id = created.body.id;
  });

  it("gets and lists it", async () => {
    const one = await get(`/api/sessions/${id}`);
    expectValid("GET", "/api/sessions/{id}", one, 200);
    expect(one.body).toMatchObject({ id, ...shown });
    for (const query of ["", "?includeSubagents=false", "?includeSubagents=true"]) {
      const list = await get(`/api/sessions${query}`);
      expectValid("GET", "/api/sessions", list, 200);
      expect(list.body.find((session: { id: string }) => session.id === id)).toMatchObject(shown);
    }
  });

  it.each([`{"text":"Hello"}`, `{"text":"Hello","plan_mode":false}`, `{"text":"Hello","plan_mode":true,"thinking_level":"medium","max_steps":25}`])(
    "takes the message %s",
    async (message) => {
      const sent = await postJson(`/api/sessions/${id}/messages`, message);
      expectValid("POST", "/api/sessions/{id}/messages", sent, 202);
      expect(sent.body).toEqual({ status: "processing", sessionId: id });
    },
  );
});

describe("the rules of create", () => {
  it.each([
    [`{"title":"x","browserMode":"firefox"}`, "browserMode must be 'electron-embedded-browser', 'local-browser-service', or 'remote-cdp-websocket'"],
    [`{"title":"x","browserMode":null}`, /^browserMode must be/],
    [`{"title":"x","browserMode":"remote-cdp-websocket"}`, "cdpUrl is required when browserMode is 'remote-cdp-websocket'"],
    [`{"title":"x","browserMode":"local-browser-service","cdpUrl":"wss://h/x"}`, "cdpUrl is only allowed when browserMode is 'remote-cdp-websocket'"],
    [`{"title":"x","cdpUrl":"wss://h/x"}`, "cdpUrl is only allowed when browserMode is 'remote-cdp-websocket'"],
    [`{"title":"x","browserMode":"remote-cdp-websocket","cdpUrl":"https://h/x"}`, "cdpUrl must be a ws:// or wss:// URL"],
    [`{"title":"x","browserMode":"remote-cdp-websocket","cdpUrl":"ws://"}`, "cdpUrl must be a ws:// or wss:// URL"],
    [`{"title":"x","browserMode":"remote-cdp-websocket","cdpUrl":"ws://h /x"}`, "cdpUrl must be a ws:// or wss:// URL"],
    [`{"title":"x","browserMode":"remote-cdp-websocket","cdpUrl":""}`, "cdpUrl must be a ws:// or wss:// URL"],
    [`{"title":"x","browserMode":"remote-cdp-websocket","cdpUrl":5}`, "cdpUrl must be a string"],
    [`{"title":"x","browserMode":"remote-cdp-websocket","cdpUrl":"ws://h/\\u0000"}`, /must not contain NUL bytes/],
    [`{"title":"x","browserMode":"remote-cdp-websocket","cdpUrl":"wss://h/<2048 characters>"}`, "cdpUrl must be at most 2048 characters"],
    [`{"title":"x","browserMode":"local-browser-service","modelId":"scripted-1"}`, "provider is required when modelId is set"],
    [`{"title":"x","browserMode":"local-browser-service","provider":"anthropic","modelId":"scripted-1"}`, /^modelId 'scripted-1' is not a model of anthropic/],
    [`{"title":"x","browserMode":"local-browser-service","provider":"nobody","modelId":"m"}`, /^provider 'nobody' is not available/],
    [`{"title":"x","browserMode":"local-browser-service","sessionType":"subagent"}`, /API can only create main sessions/],
    [`{"title":"x","browserMode":"local-browser-service","sessionType":"forked"}`, /API can only create main sessions/],
    [`{"title":"x","browserMode":"local-browser-service","subagentType":"general-purpose"}`, /^subagentType cannot be set for API-created sessions/],
    [`{"browserMode":"local-browser-service"}`, "title is required"],
  ])("refuses %s with 400", async (json, message) => {
    const response = await postJson("/api/sessions", json.replace("<2048 characters>", "a".repeat(2_048)));
    expectValid("POST", "/api/sessions", response, 400);
    expect(response.body.error).toEqual({
      code: 400,
      type: "validation_error",
      reason: "validation_failed",
      message: typeof message === "string" ? expect.stringContaining(message) : expect.stringMatching(message),
    });
  });

  it("takes a ws:// URL with a port and a query", async () => {
    const cdpUrl = "ws://127.0.0.1:9222/devtools/browser/abc?token=t";
    const created = await postJson("/api/sessions", JSON.stringify({ title: "x", browserMode: "remote-cdp-websocket", cdpUrl }));
    expectValid("POST", "/api/sessions", created, 201);
    expect(created.body).toMatchObject({ browserMode: "remote-cdp-websocket", cdpUrl });
  });
});

describe("fields neither contract knows (a newer client)", () => {
  it("ignores them on create, echoes none, and names them in X-Mix-Ignored-Fields", async () => {
    const json = `{"title":"From the future","browserMode":"local-browser-service","browserProfile":{"id":"p1"},"sandboxTier":"large"}`;
    const created = await postJson("/api/sessions", json);
    expectValid("POST", "/api/sessions", created, 201);
    expect(created.body).not.toHaveProperty("browserProfile");
    expect(created.body).not.toHaveProperty("sandboxTier");
    expect(created.headers["x-mix-ignored-fields"]).toBe("browserProfile,sandboxTier");
    const shown = await get(`/api/sessions/${created.body.id}`).expect(200);
    expect(Object.keys(shown.body)).not.toEqual(expect.arrayContaining(["browserProfile"]));
  });

  it("still refuses a known field with a bad value beside an unknown one", async () => {
    const response = await postJson("/api/sessions", `{"title":"x","browserMode":"nope","future":1}`);
    expectValid("POST", "/api/sessions", response, 400);
    expect(response.body.error.message).toMatch(/^browserMode must be/);
  });

  it("tames odd names in the header", async () => {
    const created = await postJson("/api/sessions", `{"title":"x","a b\\u0000\\r\\n":1}`);
    expect(created.status).toBe(201);
    expect(created.headers["x-mix-ignored-fields"]).toBe("a_b___");
  });
});
