/** `/api/workspace/usage`: what the workspace's model calls used, for admins. */
import { Module } from "@nestjs/common";
import { UsageController } from "./usage.controller";

@Module({ controllers: [UsageController] })
export class UsageModule {}
