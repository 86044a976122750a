/** Keeps at most a set number of characters of a stream and counts the rest. */
import type { CapturedText } from "./sandbox";

export class OutputCapture {
  private text = "";
  private dropped = 0;

  constructor(private readonly maxChars: number) {}

  add(chunk: string): void {
    const room = Math.max(this.maxChars - this.text.length, 0);
    this.text += chunk.slice(0, room);
    this.dropped += Math.max(chunk.length - room, 0);
  }

  result(): CapturedText {
    return { text: this.text, droppedChars: this.dropped };
  }
}
