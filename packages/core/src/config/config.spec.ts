import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, ConfigSchema, loadConfig } from "./config";

const minimal = { DATABASE_URL: "postgresql://u@localhost:5432/db" };

describe("loadConfig", () => {
  it("fills defaults from a minimal environment", () => {
    const config = loadConfig(minimal);
    expect(config).toMatchObject({ PORT: 8088, REDIS_URL: "redis://127.0.0.1:6379", MODEL_PROVIDER: "scripted", REDIS_PREFIX: "mix" });
  });

  it("names every bad variable in one error", () => {
    const attempt = () => loadConfig({ DATABASE_URL: "mysql://x", PORT: "eighty", REDIS_PREFIX: "has space" });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/DATABASE_URL: must be a postgres/);
    expect(attempt).toThrow(/PORT:/);
    expect(attempt).toThrow(/REDIS_PREFIX:/);
  });

  it("reports a missing DATABASE_URL", () => {
    expect(() => loadConfig({})).toThrow(/DATABASE_URL/);
  });

  it("treats empty values as unset", () => {
    expect(loadConfig({ ...minimal, PORT: "" }).PORT).toBe(8088);
  });

  it("is documented variable for variable in .env.example", () => {
    const example = readFileSync(join(__dirname, "../../../../.env.example"), "utf8");
    const documented = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]);
    const known = Object.keys(ConfigSchema.shape).filter((key) => key !== "NODE_ENV");
    expect(documented.filter((key) => key !== "TEST_DATABASE_URL").sort()).toEqual(known.sort());
  });
});
