/** Every route but the public ones needs `Authorization: Bearer <api key>` of some workspace. */
import { type CanActivate, type ExecutionContext, Inject, Injectable } from "@nestjs/common";
import { Reflector } from "@nestjs/core";
import { unauthorized, type ApiServices } from "@mix/core";
import { API_SERVICES } from "../api-services.token";
import type { AuthenticatedRequest } from "./principal.decorator";
import { IS_PUBLIC } from "./public.decorator";

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_SERVICES) private readonly services: ApiServices,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest & { headers: Record<string, string | undefined> }>();
    const header = request.headers.authorization;
    if (!header) throw unauthorized("Missing Authorization header (expected 'Bearer <api key>')");
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw unauthorized("Malformed Authorization header (expected 'Bearer <api key>')");
    const principal = await this.services.apiKeys.authenticate(match[1]!);
    if (!principal) throw unauthorized("Invalid API key");
    request.principal = principal;
    return true;
  }
}
