// Runs the original client (original_client.js, unchanged) in node against an API:
//   node original_client.mjs <base url> <prompt>
// Prints one JSON line: the outcome, the task id, how many status polls it took and the
// Content-Type node's fetch sent with the create.
import { readFile } from 'node:fs/promises';

const [base, prompt] = process.argv.slice(2);
const original = await readFile(new URL('./original_client.js', import.meta.url), 'utf8');

// In a page, relative URLs resolve against the page's origin; node has no page, so the fetch
// the original calls resolves them against the API. Nothing else about a request changes.
const nodeFetch = globalThis.fetch;
let polls = 0;
let createContentType = null;
function fetch(url, init) {
  const request = new Request(new URL(url, base), init);
  if (url.includes('/status/')) polls += 1;
  else createContentType = request.headers.get('content-type');
  return nodeFetch(request);
}

const { createPostcard, pollStatus } = new Function(
  'fetch',
  `${original}\nreturn { createPostcard, pollStatus };`,
)(fetch);

const giveUp = setTimeout(() => {
  console.log(JSON.stringify({ outcome: 'timeout', polls, createContentType }));
  process.exit(1);
}, 120_000);

const created = await createPostcard(prompt);
pollStatus(created.task_id, (result) => {
  clearTimeout(giveUp);
  console.log(JSON.stringify({ ...result, task_id: created.task_id, polls, createContentType }));
  process.exit(0);
});
