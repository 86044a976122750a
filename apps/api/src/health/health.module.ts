/** `/health`, `/health/live` and `/health/ready`: the public liveness and dependency checks. */
import { Module } from "@nestjs/common";
import { HealthController } from "./health.controller";

@Module({ controllers: [HealthController] })
export class HealthModule {}
