/** Parses one SSE frame (the lines before a blank line); `data` lines are joined, unparsed. */
export interface SseFrame {
  id?: string;
  event: string;
  data: string;
  /** False for a frame with no data line (comments only), which is not an event. */
  hasData: boolean;
}

export function parseSseFrame(frame: string): SseFrame {
  let id: string | undefined;
  let event = "message";
  const data: string[] = [];
  for (const line of frame.split("\n")) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "id") id = value;
    else if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return { id, event, data: data.join("\n"), hasData: data.length > 0 };
}
