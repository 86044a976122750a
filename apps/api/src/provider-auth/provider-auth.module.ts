/** Provider credentials: stored API keys, and OAuth flows with their tokens' health. */
import { Module } from "@nestjs/common";
import { ProviderAuthController } from "./provider-auth.controller";
import { ProviderOAuthController } from "./provider-oauth.controller";

@Module({ controllers: [ProviderAuthController, ProviderOAuthController] })
export class ProviderAuthModule {}
