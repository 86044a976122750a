/** Every tool the server registers, sorted: what a client listing its tools must see. */
export const MCP_TOOL_NAMES = [
  "answer_notification",
  "answer_permission",
  "cancel_run",
  "chat",
  "create_session",
  "delete_session",
  "export_session",
  "fork_session",
  "get_messages",
  "get_session",
  "list_models",
  "list_sessions",
  "rewind_session",
  "send_message",
  "wait_for_reply",
];
