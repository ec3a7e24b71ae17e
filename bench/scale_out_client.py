"""How long until a re-upload is served by every node (bench/scale_out.sh).

usage: scale_out_client.py <mode> <bucket/key> <upload node url> <node url,...>
                           <component:marker>...

For each component in turn (one round each): one thread per node calls
POST /exec/<bucket/key> on that node in a tight loop over a keep-alive
connection; the main thread uploads the component through the upload node
and notes when its 201 arrives; each thread stops at the first output that
holds the component's marker (a string only its output has). Prints one
line per node and round:
  propagation mode=M round=R node=N delay_ms=.. polls=.. errors=.. compile_ms=..
delay_ms: from the 201 to the first new output (negative when the node
served it before the 201 reached the client), "timeout" when the node did
not within TIMEOUT_S. errors: exec calls that did not answer 200.
compile_ms: the node's time compiling during the round (its
wasmfaas_compile_seconds_total; on node 1 the upload's validation too).
"""
import http.client
import sys
import threading
import time
from urllib.parse import urlsplit

TIMEOUT_S = 15
EXEC_BODY = b'{"name":"World"}'


def connection(url):
    parts = urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT_S)


def poll(url, path, marker, start, stop_at, result):
    """Calls exec until the output holds marker; result: [seen, polls, errors]."""
    conn = connection(url)
    start.wait()
    polls = errors = 0
    while time.monotonic() < stop_at:
        conn.request("POST", path, EXEC_BODY, {"Content-Type": "application/json"})
        response = conn.getresponse()
        body = response.read()
        polls += 1
        if response.status != 200:
            errors += 1
        elif marker in body:
            result[:] = [time.monotonic(), polls, errors]
            return
    result[:] = [None, polls, errors]


def compile_seconds(url):
    conn = connection(url)
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    return sum(float(line.split()[-1]) for line in text.splitlines()
               if line.startswith("wasmfaas_compile_seconds_total"))


def upload(url, path, component):
    conn = connection(url)
    with open(component, "rb") as f:
        data = f.read()
    conn.request("POST", path, data, {"Content-Type": "application/wasm"})
    response = conn.getresponse()
    body = response.read()
    if response.status != 201:
        sys.exit(f"upload of {component}: {response.status} {body[:200]!r}")
    return time.monotonic()


def main():
    mode, function, upload_url, node_urls, *rounds = sys.argv[1:]
    nodes = node_urls.split(",")
    for number, spec in enumerate(rounds, 1):
        component, marker = spec.rsplit(":", 1)
        start = threading.Event()
        results = [[] for _ in nodes]
        compiling = [compile_seconds(url) for url in nodes]
        stop_at = time.monotonic() + TIMEOUT_S
        threads = [threading.Thread(target=poll, args=(url, f"/exec/{function}", marker.encode(), start,
                                                       stop_at, result))
                   for url, result in zip(nodes, results)]
        for thread in threads:
            thread.start()
        start.set()
        time.sleep(0.05)  # every poller in its loop before the upload
        uploaded = upload(upload_url, f"/file/{function}", component)
        for thread in threads:
            thread.join()
        for node, (url, (seen, polls, errors), before) in enumerate(zip(nodes, results, compiling), 1):
            delay = "timeout" if seen is None else f"{(seen - uploaded) * 1000:.1f}"
            compile_ms = (compile_seconds(url) - before) * 1000
            print(f"propagation mode={mode} round={number} node={node} delay_ms={delay}"
                  f" polls={polls} errors={errors} compile_ms={compile_ms:.1f}", flush=True)
        time.sleep(0.2)


main()
