/** The application version reported by /health and the OpenAPI document. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const APP_VERSION: string = (require("../package.json") as { version: string }).version;
