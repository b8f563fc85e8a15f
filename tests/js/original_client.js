// The original design's client code, exactly as written there: the create is a bare fetch with
// no headers (so the JSON goes as text/plain;charset=UTF-8), then the status is polled every 2 s
// until COMPLETED (read status.data) or FAILED (read status.error). Runs unchanged in a page
// (tests/test_api_original_client.py) and in node (original_client.mjs).
async function createPostcard(prompt) {
  const response = await fetch('/api/v1/postcards/create', {
    method: 'POST',
    body: JSON.stringify({prompt})
  });
  return response.json();
}

function pollStatus(task_id, onDone) {
  const timer = setInterval(async () => {
    const response = await fetch(`/api/v1/postcards/status/${task_id}`);
    const status = await response.json();
    if (status.status === 'COMPLETED') {
      clearInterval(timer);
      onDone({outcome: 'completed', data: status.data});
    } else if (status.status === 'FAILED') {
      clearInterval(timer);
      onDone({outcome: 'failed', error: status.error});
    }
  }, 2000);
}
