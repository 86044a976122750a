export { FakeSearchServer, type FakeSearchReply, type RecordedSearchRequest } from "./fake-search-server";
export { searxngReply, braveReply, braveError, type FakeSearchResult } from "./search-api-replies";
export { anthropicWebSearchReply, anthropicWebSearchError, openAiWebSearchReply, geminiGroundedReply, GEMINI_REDIRECT_PREFIX } from "./provider-search-replies";
