/** The API's shapes the console reads (apps/api/openapi.json), as far as it reads them. */

export interface Workspace {
  id: string;
  name: string;
  plan: string;
  role: string;
}

export interface Session {
  id: string;
  title: string;
  sessionType: string;
  parentSessionId?: string;
  firstUserMessage?: string;
  userMessageCount: number;
  assistantMessageCount: number;
  toolCallCount: number;
  promptTokens: number;
  completionTokens: number;
  cost: number;
  createdAt: string;
}

export interface StoredToolCall {
  id: string;
  name: string;
  input: string;
  finished: boolean;
  result?: string;
  isError?: boolean;
}

export interface Message {
  id: string;
  role: "user" | "assistant" | "tool";
  userInput: string;
  assistantResponse?: string;
  reasoning?: string;
  toolCalls?: StoredToolCall[];
}

export interface FileEntry {
  name: string;
  size: number;
  modified: number;
  isDir: boolean;
}

export interface StreamToken {
  token: string;
  expiresAt: string;
}

export interface PermissionRequest {
  id: string;
  sessionId: string;
  toolName: string;
  description: string;
  action: string;
  path?: string;
  params?: Record<string, unknown>;
  parentToolCallId?: string;
}

export interface NotificationRequest {
  id: string;
  sessionId: string;
  notificationType: "info" | "warning" | "error" | "question";
  title: string;
  message: string;
  responseType: "acknowledge" | "text" | "choice";
  choices?: string[];
  defaultValue?: string;
  parentToolCallId?: string;
}

export interface PendingRequests {
  permissions: PermissionRequest[];
  notifications: NotificationRequest[];
}

/** One SSE frame as the console receives it. */
export interface StreamEvent {
  id: string;
  event: string;
  data: Record<string, unknown>;
}
