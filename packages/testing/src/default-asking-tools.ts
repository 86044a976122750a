/**
 * The built-in tools that ask permission by default, as the permission specs expect them: the
 * shell, file writes, fetching, and the browser tools that change a page. Written out (not read
 * from the tool registry) so a change of the default shows up as a failing test.
 */
export const DEFAULT_ASKING_TOOLS = [
  "Bash",
  "python_execution",
  "Write",
  "Edit",
  "web_fetch",
  "browser_navigate",
  "browser_click",
  "browser_type",
  "browser_select",
  "browser_download",
  "browser_evaluate",
];
