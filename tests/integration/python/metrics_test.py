#!/usr/bin/env python3
"""GET /metrics parsed with a real Prometheus parser (prometheus_client's):
starts `wasmfaas serve` on a free port with the example functions, makes
requests and checks that the counters and histograms move by exactly as
much as they should.

    metrics_test.py <wasmfaas binary> <functions dir>
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def start_server(binary, functions, work):
    # Only the C examples: quick to deploy.
    os.makedirs(f"{work}/functions")
    for name in ("hello.wasm", "fibonacci.wasm"):
        shutil.copy(f"{functions}/{name}", f"{work}/functions/{name}")
    functions = f"{work}/functions"
    log = open(f"{work}/server.log", "w+")
    server = subprocess.Popen(
        [binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", f"{work}/data",
         "--code-cache-dir", "", "--deploy-examples", functions, "--log-level", "off"],
        stderr=log)
    for _ in range(400):
        log.seek(0)
        match = re.search(r"serving on http://127\.0\.0\.1:(\d+)", log.read())
        if match:
            return server, f"http://127.0.0.1:{match.group(1)}"
        time.sleep(0.05)
    server.kill()
    raise RuntimeError("server did not start")


def request(method, url, body=None, content_type="application/json"):
    req = urllib.request.Request(url, data=body, method=method,
                                 headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(req) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def scrape(base):
    status, text = request("GET", base + "/metrics")
    assert status == 200, status
    samples = {}
    families = {}
    for family in text_string_to_metric_families(text):
        families[family.name] = family
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return families, samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def main():
    binary, functions = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as work:
        server, base = start_server(binary, functions, work)
        try:
            families, before = scrape(base)
            for name in ["wasmfaas_http_requests", "wasmfaas_http_request_duration_seconds",
                         "wasmfaas_executions", "wasmfaas_execution_duration_seconds",
                         "wasmfaas_compiles", "wasmfaas_compiled_cache_lookups",
                         "wasmfaas_compiled_cache_bytes", "wasmfaas_instances_in_use",
                         "wasmfaas_reuse_idle_instances", "wasmfaas_reuse_calls",
                         "wasmfaas_store_operation_duration_seconds", "wasmfaas_queue_depth",
                         "wasmfaas_in_flight", "process_resident_memory_bytes",
                         "process_cpu_seconds", "process_open_fds"]:
                assert name in families, f"missing metric family {name}"

            for _ in range(3):
                status, body = request("POST", base + "/exec/functions/hello",
                                       b'{"name":"Metrics"}')
                assert status == 200, (status, body)
            status, _ = request("POST", base + "/exec/functions/missing", b"{}")
            assert status == 404
            status, _ = request("POST", base + "/exec/functions/hello", b"{bad", "application/json")
            assert status == 400

            _, after = scrape(base)
            def moved(name, **labels):
                return value(after, name, **labels) - value(before, name, **labels)

            assert moved("wasmfaas_executions_total", bucket="functions", key="hello",
                         outcome="ok") == 3
            assert moved("wasmfaas_execution_duration_seconds_count", bucket="functions",
                         key="hello") == 3
            assert moved("wasmfaas_http_requests_total", route="exec", method="POST",
                         status="200") == 3
            assert moved("wasmfaas_http_requests_total", route="exec", method="POST",
                         status="404") == 1
            assert moved("wasmfaas_http_requests_total", route="exec", method="POST",
                         status="400") == 1
            assert moved("wasmfaas_http_request_duration_seconds_count", route="exec") == 5
            assert moved("wasmfaas_compiled_cache_lookups_total", result="memory_hit") >= 3
            assert moved("wasmfaas_store_operation_duration_seconds_count", backend="local",
                         operation="head_object", result="ok") >= 3
            assert value(after, "wasmfaas_instances_in_use") == 0
            assert value(after, "process_resident_memory_bytes") > 1e6
            assert value(after, "process_open_fds") > 3
            # The first scrape's own request is counted by the second.
            assert moved("wasmfaas_http_requests_total", route="metrics", method="GET",
                         status="200") == 1
            print("metrics: ok,", len(after), "samples")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
