"""Follow an upload job to its end in tests: `POST /api/documents` answers 202 with a job."""

from __future__ import annotations

import time


def follow(client, response, headers, timeout: float = 60.0) -> dict:
    """The final status of the job `response` (a 202) started; a 4xx answer is returned as is."""
    if response.status_code != 202:
        return response.json()
    status_url = response.json()["status_url"]
    deadline = time.monotonic() + timeout
    while True:
        status = client.get(status_url, headers=headers)
        assert status.status_code == 200, status.text
        body = status.json()
        if body["status"] in ("done", "failed"):
            return body
        assert time.monotonic() < deadline, f"job not finished within {timeout:.0f} s: {body}"
        time.sleep(0.05)


def upload(client, files, headers, timeout: float = 60.0) -> dict:
    """Upload `files` (TestClient's `files=` form) and wait for the job: its final status."""
    return follow(client, client.post("/api/documents", headers=headers, files=files), headers, timeout)
