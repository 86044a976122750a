/** `/api/permissions`: answers to permission requests, and the policy of which tools ask. */
import { Module } from "@nestjs/common";
import { PermissionsController } from "./permissions.controller";

@Module({ controllers: [PermissionsController] })
export class PermissionsModule {}
