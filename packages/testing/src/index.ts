export { waitFor } from "./wait-for";
export { createTestDatabase, type TestDatabase } from "./test-database";
export { testRedisPrefix, deleteRedisPrefix, TEST_REDIS_URL } from "./test-redis";
export { SseClient, type SseEvent, type SseClientOptions } from "./sse-client";
export { parseSseFrame, type SseFrame } from "./sse-frame";
export * from "./fake-providers";
export { createIsolatedTestEnv, type IsolatedTestEnv } from "./test-env";
export { mcpFixtureStdioServer, startMcpHttpFixture, type McpHttpFixture } from "./mcp-fixtures";
