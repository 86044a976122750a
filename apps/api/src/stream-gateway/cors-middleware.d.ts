// The `cors` package ships no types; the gateway uses it with the options the API gives Nest.
declare module "cors" {
  import type { IncomingMessage, ServerResponse } from "node:http";
  import type { CorsOptions } from "@nestjs/common/interfaces/external/cors-options.interface";
  function cors(options: CorsOptions): (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;
  export = cors;
}
