// Prints the total of every jest run recorded by jest-summary-reporter.js as one line.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
const total = { passed: 0, failed: 0, skipped: 0, suitesFailed: 0 };
let files = [];
try {
  files = readdirSync(dir).filter((name) => name.endsWith(".json"));
} catch {
  files = []; // no jest run got as far as reporting
}
for (const file of files) {
  const counts = JSON.parse(readFileSync(join(dir, file), "utf8"));
  for (const key of Object.keys(total)) total[key] += counts[key] ?? 0;
}
const failed = total.failed + total.suitesFailed;
console.log(`\n${total.passed} passed, ${failed} failed${total.skipped ? `, ${total.skipped} skipped` : ""}`);
