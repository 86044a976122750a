/**
 * Non-streamed answers of the model APIs to a request with their own web search tool, for a
 * FakeHttpServer: Anthropic's server_tool_use and web_search_tool_result blocks (with cited
 * text), OpenAI Responses' web_search_call and url_citation annotations, and Gemini's
 * groundingMetadata (sources as links through its redirect host, titled with the site's domain).
 */
import type { FakeReply } from "../fake-providers/fake-http-server";
import type { FakeSearchResult } from "./search-api-replies";

export function anthropicWebSearchReply(query: string, results: readonly FakeSearchResult[], answer = "Here is what I found."): FakeReply {
  return {
    kind: "json",
    status: 200,
    body: {
      id: "msg_fake_search",
      type: "message",
      role: "assistant",
      model: "claude-haiku-4-5",
      content: [
        { type: "text", text: "I'll search for that." },
        { type: "server_tool_use", id: "srvtoolu_fake", name: "web_search", input: { query } },
        {
          type: "web_search_tool_result",
          tool_use_id: "srvtoolu_fake",
          content: results.map((result) => ({
            type: "web_search_result",
            url: result.url,
            title: result.title,
            encrypted_content: "EqgfCioIARgBIiQ3YTAwMjY1Mi1mZjM5LTQ1NGUtODgxNC1kNjNjNTk1ZWI3Y2Q",
            page_age: "April 30, 2025",
          })),
        },
        {
          type: "text",
          text: answer,
          citations: results.map((result) => ({
            type: "web_search_result_location",
            url: result.url,
            title: result.title,
            encrypted_index: "Eo8BCioIAhgBIiQyYjQ0OWJmZi1lNm",
            cited_text: result.snippet,
          })),
        },
      ],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 6039, output_tokens: 93, server_tool_use: { web_search_requests: 1 } },
    },
  };
}

/** An Anthropic search whose tool failed (a web_search_tool_result_error), answered anyway. */
export function anthropicWebSearchError(errorCode: string): FakeReply {
  return {
    kind: "json",
    status: 200,
    body: {
      id: "msg_fake_search",
      type: "message",
      role: "assistant",
      model: "claude-haiku-4-5",
      content: [
        { type: "server_tool_use", id: "srvtoolu_fake", name: "web_search", input: { query: "x" } },
        { type: "web_search_tool_result", tool_use_id: "srvtoolu_fake", content: { type: "web_search_tool_result_error", error_code: errorCode } },
        { type: "text", text: "The search failed." },
      ],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 5 },
    },
  };
}

export function openAiWebSearchReply(query: string, results: readonly FakeSearchResult[], answer = "Here is what I found."): FakeReply {
  let at = 0;
  const annotations = results.map((result) => {
    const start = at;
    at = Math.min(answer.length, at + 1);
    return { type: "url_citation", start_index: start, end_index: at, url: result.url, title: result.title };
  });
  return {
    kind: "json",
    status: 200,
    body: {
      id: "resp_fake_search",
      object: "response",
      created_at: 1_741_476_542,
      status: "completed",
      model: "gpt-5-mini",
      output: [
        {
          type: "web_search_call",
          id: "ws_fake",
          status: "completed",
          action: { type: "search", query, sources: results.map((r) => ({ type: "url", url: r.url })) },
        },
        {
          type: "message",
          id: "msg_fake",
          status: "completed",
          role: "assistant",
          content: [{ type: "output_text", text: answer, annotations }],
        },
      ],
      usage: {
        input_tokens: 300,
        output_tokens: 40,
        total_tokens: 340,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens_details: { reasoning_tokens: 0 },
      },
    },
  };
}

/** Gemini's real grounding links go through its redirect host; the chunk's title is the site's domain. */
export const GEMINI_REDIRECT_PREFIX = "https://vertexaisearch.cloud.google.com/grounding-api-redirect/";

export function geminiGroundedReply(query: string, sites: readonly { domain: string; token: string }[], answer = "Here is what I found."): FakeReply {
  return {
    kind: "json",
    status: 200,
    body: {
      candidates: [
        {
          content: { role: "model", parts: [{ text: answer }] },
          finishReason: "STOP",
          index: 0,
          groundingMetadata: {
            webSearchQueries: [query],
            searchEntryPoint: { renderedContent: '<style>.container{}</style><div class="container"></div>' },
            groundingChunks: sites.map((site) => ({ web: { uri: `${GEMINI_REDIRECT_PREFIX}${site.token}`, title: site.domain } })),
            groundingSupports: sites.map((_, index) => ({
              segment: { startIndex: 0, endIndex: answer.length, text: answer },
              groundingChunkIndices: [index],
              confidenceScores: [0.9],
            })),
          },
        },
      ],
      usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 30, totalTokenCount: 50 },
      modelVersion: "gemini-2.5-flash",
    },
  };
}
