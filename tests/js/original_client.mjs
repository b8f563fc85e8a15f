// The original client's polling code, unchanged in behaviour: create, then poll every 2 s,
// stop on status.status === 'COMPLETED' (read status.data) or 'FAILED' (read status.error).
const [base, prompt] = process.argv.slice(2);

async function createPostcard(userInput) {
  const response = await fetch(`${base}/api/v1/postcards/create`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ prompt: userInput }),
  });
  return response.json();
}

function pollStatus(taskId, onDone) {
  let polls = 0;
  const timer = setInterval(async () => {
    polls += 1;
    const response = await fetch(`${base}/api/v1/postcards/status/${taskId}`);
    const status = await response.json();
    if (status.status === 'COMPLETED') {
      clearInterval(timer);
      onDone({ outcome: 'completed', data: status.data, polls });
    } else if (status.status === 'FAILED') {
      clearInterval(timer);
      onDone({ outcome: 'failed', error: status.error, polls });
    } else if (polls > 60) {
      clearInterval(timer);
      onDone({ outcome: 'timeout', last: status, polls });
    }
  }, 2000);
}

const created = await createPostcard(prompt);
pollStatus(created.task_id, (result) => {
  console.log(JSON.stringify(result));
  process.exit(result.outcome === 'timeout' ? 1 : 0);
});
