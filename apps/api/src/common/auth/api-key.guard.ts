/**
 * Every request passes here first: the text of its URL and of the headers we read is checked
 * (public routes included), then every route but the public ones needs
 * `Authorization: Bearer <api key>` of some workspace; GET /stream also takes a stream token.
 */
import { type CanActivate, type ExecutionContext, Injectable } from "@nestjs/common";
import { Reflector } from "@nestjs/core";
import { ApiKeyService, StreamTokens, unauthorized } from "@mix/core";
import type { Request, Response } from "express";
import { bearerKey, endStreamOnRevocation } from "./bearer-key";
import type { AuthenticatedRequest } from "./principal.decorator";
import { IS_PUBLIC } from "./public.decorator";
import { ACCEPTS_STREAM_TOKEN } from "./stream-token.decorator";
import { assertSafeRequestText } from "./request-text";

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeyService,
    private readonly streamTokens: StreamTokens,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest & Request>();
    assertSafeRequestText(request);
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const header = request.headers.authorization;
    const token = request.query?.token;
    if (!header && typeof token === "string") return this.acceptStreamToken(context, request, token);
    const principal = await this.apiKeys.authenticate(bearerKey(header));
    if (!principal) throw unauthorized("Invalid API key");
    request.principal = principal;
    endStreamOnRevocation(this.apiKeys, principal, http.getResponse<Response>());
    return true;
  }

  /** A browser's EventSource sends no header: the stream route alone takes a token in its URL (stream-tokens.ts). */
  private async acceptStreamToken(context: ExecutionContext, request: AuthenticatedRequest & Request, token: string): Promise<boolean> {
    if (!this.reflector.getAllAndOverride<boolean>(ACCEPTS_STREAM_TOKEN, [context.getHandler(), context.getClass()])) {
      throw unauthorized("A stream token opens only GET /stream; this route needs Authorization: Bearer <api key>");
    }
    const principal = await this.streamTokens.authenticate(token);
    request.principal = principal;
    endStreamOnRevocation(this.apiKeys, principal, context.switchToHttp().getResponse<Response>());
    return true;
  }
}
