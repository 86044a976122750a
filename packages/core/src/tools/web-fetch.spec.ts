/** web_fetch against a real local server: refused as a private address unless the deployment allows it. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { isPublicAddress } from "../network/address-guard";
import { FETCH_MAX_BYTES, webFetchTool } from "./web-fetch";
import { makeSessionDir, type SessionDirFixture } from "../../test/helpers/session-dir";

let server: http.Server;
let origin: string;
let fixture: SessionDirFixture;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    if (request.url === "/page") {
      response.setHeader("content-type", "text/html; charset=utf-8");
      return response.end("<html><head><title>t</title><script>var x=1</script></head><body><h1>Hello &amp; welcome</h1><p>Body text</p></body></html>");
    }
    if (request.url === "/big") {
      response.setHeader("content-type", "text/plain");
      return response.end("b".repeat(FETCH_MAX_BYTES + 1_000_000));
    }
    if (request.url === "/to-page") return response.writeHead(302, { location: "/page" }).end();
    if (request.url === "/image") return response.writeHead(200, { "content-type": "image/png" }).end(Buffer.from([137, 80, 78, 71]));
    response.writeHead(404, { "content-type": "text/plain" }).end("no such page");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => fixture.cleanup());

const fetchWith = async (url: string, allowPrivateNetworks: boolean) => {
  fixture = await makeSessionDir({ allowPrivateNetworks });
  return webFetchTool.run({ url }, fixture.context);
};

describe("web_fetch", () => {
  it.each(["/page", "/to-page"])("refuses the loopback server %s by default", async (route) => {
    const result = await fetchWith(`${origin}${route}`, false);
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/Refused: 127\.0\.0\.1 resolves to 127\.0\.0\.1, a loopback, private/);
  });

  it("refuses a name that resolves to loopback (checked after DNS)", async () => {
    const result = await fetchWith(`http://localhost:${new URL(origin).port}/page`, false);
    expect(result).toMatchObject({ isError: true, output: expect.stringMatching(/^Refused: localhost resolves to/) });
  });

  it.each(["file:///etc/passwd", "ftp://example.com/x", "not a url"])("refuses %s", async (url) => {
    const result = await fetchWith(url, true);
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/Only http and https|not a valid URL/);
  });

  it("returns an HTML page as text when private networks are allowed, following redirects", async () => {
    expect(await fetchWith(`${origin}/page`, true)).toEqual({ isError: false, output: "Hello & welcome\nBody text" });
    expect((await fetchWith(`${origin}/to-page`, true)).output).toBe(`(fetched ${origin}/page)\nHello & welcome\nBody text`);
  });

  it("cuts a response at the size cap and says so", async () => {
    const result = await fetchWith(`${origin}/big`, true);
    expect(result.isError).toBe(false);
    // Read up to the cap (5 MB), then cut again to what a model is shown.
    expect(result.output).toMatch(/^b+\n\[output truncated: \d+ more characters\]\n\[response larger than 5242880 bytes; read only that much\]$/);
    expect(result.output.match(/truncated: (\d+)/)![1]).toBe(String(FETCH_MAX_BYTES - 100_000));
  });

  it("reports HTTP errors and binary content as errors", async () => {
    expect(await fetchWith(`${origin}/missing`, true)).toEqual({ isError: true, output: `HTTP 404 from ${origin}/missing\nno such page` });
    expect((await fetchWith(`${origin}/image`, true)).output).toMatch(/image\/png, which is not text/);
  });
});

describe("isPublicAddress", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.20.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "::",
    "fe80::1",
    "fd00::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "224.0.0.1",
  ])("refuses %s", (address) => expect(isPublicAddress(address)).toBe(false));
  it.each(["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"])("accepts %s", (address) => expect(isPublicAddress(address)).toBe(true));
});
