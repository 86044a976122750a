/** The workspace's knowledge bound to one run: what the knowledge_search tool searches (ToolContext.knowledge). */
import type { KnowledgeSearchHit } from "../contracts";
import type { KnowledgeService } from "./knowledge.service";

export interface RunKnowledge {
  search(query: string, limit: number): Promise<KnowledgeSearchHit[]>;
}

export function boundKnowledge(knowledge: Pick<KnowledgeService, "search">, workspaceId: string): RunKnowledge {
  return { search: (query, limit) => knowledge.search(workspaceId, query, limit) };
}
