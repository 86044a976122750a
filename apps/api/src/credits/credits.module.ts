/** `/api/workspace/plans`, `/plan` and `/credits`: plans and credits, for admins. */
import { Module } from "@nestjs/common";
import { CreditsController } from "./credits.controller";
import { PlansController } from "./plans.controller";

@Module({ controllers: [PlansController, CreditsController] })
export class CreditsModule {}
