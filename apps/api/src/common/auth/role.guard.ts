/**
 * After ApiKeyGuard: a route answers only a key whose role is at least the route's
 * `@RequiresRole`, and 403 in the error shape otherwise. A route with neither a role nor
 * `@Public()` is refused to everyone (fail closed), and the role matrix test names it.
 */
import { type CanActivate, type ExecutionContext, Injectable, Logger } from "@nestjs/common";
import { Reflector } from "@nestjs/core";
import { forbidden, roleAtLeast, type Role } from "@mix/core";
import type { AuthenticatedRequest } from "./principal.decorator";
import { IS_PUBLIC } from "./public.decorator";
import { REQUIRED_ROLE } from "./requires-role.decorator";

@Injectable()
export class RoleGuard implements CanActivate {
  private readonly logger = new Logger("RoleGuard");

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const required = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, targets);
    if (!required) {
      this.logger.error({ route: `${context.getClass().name}.${context.getHandler().name}` }, "route has no @RequiresRole: refused");
      throw forbidden("This route has no role rule yet, so no key may use it");
    }
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal) throw new Error("RoleGuard ran before ApiKeyGuard");
    if (!roleAtLeast(principal.role, required)) throw forbidden(`Forbidden: this needs the ${required} role or above; the API key's role is ${principal.role}`);
    return true;
  }
}
