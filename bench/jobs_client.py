"""The client side of bench/jobs.sh: submits async jobs over keep-alive
HTTP/1.1 connections (asyncio, no dependencies) and measures them from the
jobs' own timestamps. Prints one line of key=value fields.

usage:
  jobs_client.py throughput <base url> <bucket/key> <body> <jobs> <connections>
      Submits <jobs> jobs over <connections> connections at once, then polls
      /metrics (every 50 ms) until as many more jobs have succeeded, then
      reads them back with GET /jobs?bucket=...&limit=1000 pages. Fields:
      jobs, errors, submit_s (first request sent to last 202 read),
      submit_rps, wall_s (first request sent to the poll that saw the last
      success: +50 ms at most), span_s (the jobs' own first "created" to
      last "finished", ms precision), e2e_jps (jobs / span_s), wall_jps,
      failed (jobs of this run not succeeded).
  submit <base url> <bucket/key> <body> <jobs> <connections>
      Only the submission (a backlog). Fields: jobs, errors, submit_s,
      submit_rps.
  latency <base url> <bucket/key> <body> <jobs> <gap ms>
      Submits one job at a time on one connection, <gap ms> between a 202
      and the next request, waits for all to finish, then reads each with
      GET /jobs/{id}. Fields: jobs, errors, delay_p50_ms, delay_p99_ms,
      delay_max_ms, delay_mean_ms (started - created), run_p50_ms (finished
      - started), submit_p50_us (the POST's round trip).
Percentiles are nearest-rank over all jobs of the run.
"""
import asyncio
import json
import math
import re
import sys
import time
from datetime import datetime
from urllib.parse import urlsplit


class Connection:
    """One keep-alive HTTP/1.1 connection; one request at a time."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(self, method, path, body=b"", content_type="application/json"):
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
        if body or method == "POST":
            head += f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        header = await self.reader.readuntil(b"\r\n\r\n")
        status = int(header.split(b" ", 2)[1])
        m = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", header)
        payload = await self.reader.readexactly(int(m.group(1))) if m else b""
        return status, payload

    def close(self):
        if self.writer:
            self.writer.close()


def split_base(base):
    url = urlsplit(base)
    return url.hostname, url.port


async def submit_all(base, function, body, jobs, connections):
    """Submits `jobs` jobs over `connections` connections; returns
    (ids, errors, t_first_sent, t_last_answer) (time.time())."""
    host, port = split_base(base)
    conns = [Connection(host, port) for _ in range(connections)]
    await asyncio.gather(*(c.open() for c in conns))
    path = f"/async/{function}"
    payload = body.encode()
    ids, errors, remaining = [], [0], [jobs]

    async def run(conn):
        while remaining[0] > 0:
            remaining[0] -= 1
            status, answer = await conn.request("POST", path, payload)
            if status == 202:
                ids.append(json.loads(answer)["job"])
            else:
                errors[0] += 1

    start = time.time()
    await asyncio.gather(*(run(c) for c in conns))
    end = time.time()
    for c in conns:
        c.close()
    return ids, errors[0], start, end


async def metrics(conn):
    status, text = await conn.request("GET", "/metrics")
    return {m.group(1).decode(): float(m.group(2))
            for m in re.finditer(rb"^(\S+) (\S+)$", text, re.M)}


def unix(rfc3339):
    return datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp()


def rank(values, q):
    values = sorted(values)
    return values[max(0, math.ceil(q * len(values)) - 1)]


async def finished_count(conn):
    """Jobs in a final status (succeeded, failed, dead), from one scrape."""
    values = await metrics(conn)
    return sum(values.get(f'wasmfaas_jobs{{status="{s}"}}', 0.0) for s in ("succeeded", "failed", "dead"))


async def throughput(base, function, body, jobs, connections):
    host, port = split_base(base)
    probe = Connection(host, port)
    await probe.open()
    done_before = await finished_count(probe)
    ids, errors, start, end = await submit_all(base, function, body, jobs, connections)
    deadline = time.time() + 600
    while await finished_count(probe) < done_before + len(ids) and time.time() < deadline:
        await asyncio.sleep(0.05)
    wall_end = time.time()
    # The jobs of this run, from the listing (newest first, 1000 a page).
    wanted, records, cursor = set(ids), {}, None
    bucket = function.split("/", 1)[0]
    while len(records) < len(wanted):
        path = f"/jobs?bucket={bucket}&limit=1000" + (f"&cursor={cursor}" if cursor else "")
        status, answer = await probe.request("GET", path)
        page = json.loads(answer)
        for job in page["jobs"]:
            if job["job"] in wanted:
                records[job["job"]] = job
        cursor = page["cursor"]
        if not cursor:
            break
    probe.close()
    failed = sum(1 for j in records.values() if j["status"] != "succeeded") + len(wanted) - len(records)
    done = [j for j in records.values() if j["finished"]]
    span = (max(unix(j["finished"]) for j in done) - min(unix(j["created"]) for j in done)) if done else 0
    n = len(ids)
    print(f"jobs={n} errors={errors} submit_s={end - start:.3f} submit_rps={n / (end - start):.0f}"
          f" wall_s={wall_end - start:.3f} span_s={span:.3f} e2e_jps={n / span if span else 0:.0f}"
          f" wall_jps={n / (wall_end - start):.0f} failed={failed}")


async def submit(base, function, body, jobs, connections):
    ids, errors, start, end = await submit_all(base, function, body, jobs, connections)
    print(f"jobs={len(ids)} errors={errors} submit_s={end - start:.3f}"
          f" submit_rps={len(ids) / (end - start):.0f}")


async def latency(base, function, body, jobs, gap_ms):
    host, port = split_base(base)
    conn = Connection(host, port)
    await conn.open()
    ids, errors, round_trips = [], 0, []
    for _ in range(jobs):
        t0 = time.perf_counter()
        status, answer = await conn.request("POST", f"/async/{function}", body.encode())
        round_trips.append((time.perf_counter() - t0) * 1e6)
        if status == 202:
            ids.append(json.loads(answer)["job"])
        else:
            errors += 1
        await asyncio.sleep(gap_ms / 1000)
    delays, runs, pending = [], [], list(ids)
    deadline = time.time() + 60
    while pending and time.time() < deadline:
        still = []
        for job_id in pending:
            status, answer = await conn.request("GET", f"/jobs/{job_id}")
            job = json.loads(answer)
            if job.get("finished"):
                if job["status"] != "succeeded":
                    errors += 1
                    continue
                delays.append((unix(job["started"]) - unix(job["created"])) * 1000)
                runs.append((unix(job["finished"]) - unix(job["started"])) * 1000)
            else:
                still.append(job_id)
        pending = still
        if pending:
            await asyncio.sleep(0.1)
    conn.close()
    errors += len(pending)
    print(f"jobs={len(delays)} errors={errors} delay_p50_ms={rank(delays, 0.5):.0f}"
          f" delay_p99_ms={rank(delays, 0.99):.0f} delay_max_ms={max(delays):.0f}"
          f" delay_mean_ms={sum(delays) / len(delays):.2f} run_p50_ms={rank(runs, 0.5):.0f}"
          f" submit_p50_us={rank(round_trips, 0.5):.0f}")


def main():
    command, base, function, body = sys.argv[1:5]
    numbers = [int(x) for x in sys.argv[5:7]]
    runner = {"throughput": throughput, "submit": submit, "latency": latency}[command]
    asyncio.run(runner(base, function, body, *numbers))


main()
