/** The browser tools, in the order they are listed. */
import type { Tool } from "../../tools/tool";
import { browserClickTool } from "./click";
import { browserDownloadTool } from "./download";
import { browserEvaluateTool } from "./evaluate";
import { browserNavigateTool } from "./navigate";
import { browserReadTool } from "./read";
import { browserScreenshotTool } from "./screenshot";
import { browserScrollTool } from "./scroll";
import { browserSelectTool } from "./select";
import { browserTypeTool } from "./type";
import { browserWaitForTool } from "./wait-for";

export const BROWSER_TOOLS: readonly Tool[] = [
  browserNavigateTool,
  browserClickTool,
  browserTypeTool,
  browserSelectTool,
  browserScrollTool,
  browserWaitForTool,
  browserReadTool,
  browserScreenshotTool,
  browserDownloadTool,
  browserEvaluateTool,
];
