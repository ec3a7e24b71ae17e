"""Checks of deploy/'s artifacts that no schema makes (deploy_artifacts_test.sh).

  deploy_checks.py manifest <rendered chart> <serve help>
      The Deployment leaves gracefully (terminationGracePeriodSeconds above
      preStop + shutdown-delay-ms + drain-seconds of its settings file), rolls
      without an unavailable replica, probes /readyz and /healthz, runs
      locked down (non-root, read-only root, no capabilities, RuntimeDefault
      seccomp, no service account token) with a writable code cache and
      /tmp; its settings file parses as TOML and names only real settings.
  deploy_checks.py compose <docker-compose config output> <serve help>
      Each wasmfaas node sets only real WASMFAAS_* settings, and its
      stop_grace_period is above its shutdown delay plus drain.
  deploy_checks.py settings <TOML file> <serve help>
      The file parses and names only real settings.
  deploy_checks.py keda <ScaledObject example>
      The file is YAML: a keda.sh ScaledObject of the chart's Deployment.

<serve help> is the text of `wasmfaas serve --help`, the source of truth for
setting names (flags; a TOML table [s3] prefixes its keys with s3-).
"""
import math
import re
import sys
import tomllib

import yaml


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def serve_settings(help_file):
    """The setting names (flags without dashes) and their variables."""
    with open(help_file, encoding="utf-8") as f:
        text = f.read()
    names = set(re.findall(r"^\s+(?:-\w,)?--([a-z0-9-]+)", text, re.MULTILINE))
    variables = set(re.findall(r"\(Env:(WASMFAAS_[A-Z0-9_]+)\)", text))
    expect("listen" in names, f"{help_file} does not look like `wasmfaas serve --help`")
    return names - {"help"}, variables


def flatten(table, prefix=""):
    for key, value in table.items():
        name = f"{prefix}-{key}" if prefix else key
        if isinstance(value, dict):
            yield from flatten(value, name)
        else:
            yield name, value


def check_settings_text(text, where, names):
    try:
        settings = dict(flatten(tomllib.loads(text)))
    except tomllib.TOMLDecodeError as error:
        raise CheckFailed(f"{where}: not TOML: {error}")
    unknown = sorted(set(settings) - names)
    expect(not unknown, f"{where}: not settings of `wasmfaas serve`: {', '.join(unknown)}")
    return settings


def leave_time_seconds(settings, where):
    """Seconds a node may take to leave: the readiness delay and the drain."""
    expect("shutdown-delay-ms" in settings, f"{where}: no shutdown-delay-ms")
    expect("drain-seconds" in settings, f"{where}: no drain-seconds")
    return math.ceil(int(settings["shutdown-delay-ms"]) / 1000) + int(settings["drain-seconds"])


def only(documents, kind):
    found = [d for d in documents if d and d.get("kind") == kind]
    expect(len(found) == 1, f"expected one {kind}, found {len(found)}")
    return found[0]


def check_manifest(manifest_file, help_file):
    names, variables = serve_settings(help_file)
    with open(manifest_file, encoding="utf-8") as f:
        documents = list(yaml.safe_load_all(f))
    config_map = only(documents, "ConfigMap")
    settings = check_settings_text(config_map["data"]["wasmfaas.toml"],
                                   "the ConfigMap's wasmfaas.toml", names)
    deployment = only(documents, "Deployment")
    pod = deployment["spec"]["template"]["spec"]
    expect(len(pod["containers"]) == 1, "expected one container")
    container = pod["containers"][0]

    pre_stop = container.get("lifecycle", {}).get("preStop", {}).get("sleep", {}).get("seconds", 0)
    needed = pre_stop + leave_time_seconds(settings, "the ConfigMap's wasmfaas.toml")
    grace = pod.get("terminationGracePeriodSeconds", 30)
    expect(grace > needed,
           f"terminationGracePeriodSeconds {grace} is not above preStop + shutdown delay + "
           f"drain ({needed} s): Kubernetes would kill requests still draining")

    rolling = deployment["spec"]["strategy"]["rollingUpdate"]
    expect(rolling.get("maxUnavailable") == 0, "the rolling update may take a replica away first")
    expect(container["readinessProbe"]["httpGet"]["path"] == "/readyz", "readiness is not /readyz")
    expect(container["livenessProbe"]["httpGet"]["path"] == "/healthz", "liveness is not /healthz")

    pod_security = pod.get("securityContext", {})
    security = container.get("securityContext", {})
    expect(pod_security.get("runAsNonRoot") or security.get("runAsNonRoot"), "may run as root")
    expect(pod_security.get("seccompProfile", {}).get("type") == "RuntimeDefault",
           "no RuntimeDefault seccomp profile")
    expect(security.get("readOnlyRootFilesystem") is True, "the root filesystem is writable")
    expect(security.get("allowPrivilegeEscalation") is False, "privilege escalation allowed")
    expect("ALL" in security.get("capabilities", {}).get("drop", []), "capabilities not dropped")
    expect(pod.get("automountServiceAccountToken") is False, "a service account token is mounted")

    empty_dirs = {v["name"] for v in pod.get("volumes", []) if "emptyDir" in v}
    writable = {m["mountPath"] for m in container.get("volumeMounts", [])
                if m["name"] in empty_dirs and not m.get("readOnly")}
    expect(settings.get("code-cache-dir") in writable,
           f"code-cache-dir {settings.get('code-cache-dir')} is not a writable emptyDir")
    expect("/tmp" in writable, "/tmp is not a writable emptyDir")

    unknown = sorted({e["name"] for e in container.get("env", [])
                      if e["name"].startswith("WASMFAAS_")} - variables)
    expect(not unknown, f"environment variables no setting reads: {', '.join(unknown)}")
    return f"grace {grace} s > {needed} s; {len(settings)} settings"


def duration_seconds(text):
    match = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", str(text))
    expect(match and any(match.groups()), f"cannot read the duration {text!r}")
    minutes, seconds = (int(g or 0) for g in match.groups())
    return minutes * 60 + seconds


def check_compose(config_file, help_file):
    _, variables = serve_settings(help_file)
    with open(config_file, encoding="utf-8") as f:
        services = yaml.safe_load(f)["services"]
    nodes = {name: s for name, s in services.items()
             if any(k.startswith("WASMFAAS_") for k in (s.get("environment") or {}))
             and "build" in s}
    expect(len(nodes) == 3, f"expected three wasmfaas nodes, found {sorted(nodes)}")
    for name, service in nodes.items():
        environment = service["environment"]
        unknown = sorted(k for k in environment if k.startswith("WASMFAAS_") and k not in variables)
        expect(not unknown, f"{name}: environment variables no setting reads: {', '.join(unknown)}")
        settings = {"shutdown-delay-ms": environment.get("WASMFAAS_SHUTDOWN_DELAY_MS"),
                    "drain-seconds": environment.get("WASMFAAS_DRAIN_SECONDS")}
        expect(None not in settings.values(), f"{name}: no shutdown delay or drain set")
        needed = leave_time_seconds(settings, name)
        grace = duration_seconds(service.get("stop_grace_period", "10s"))
        expect(grace > needed, f"{name}: stop_grace_period {grace} s is not above shutdown "
                               f"delay + drain ({needed} s)")
    return f"{len(nodes)} nodes"


def check_settings_file(toml_file, help_file):
    names, _ = serve_settings(help_file)
    with open(toml_file, encoding="utf-8") as f:
        settings = check_settings_text(f.read(), toml_file, names)
    return f"{len(settings)} settings"


def check_keda(example_file):
    with open(example_file, encoding="utf-8") as f:
        documents = [d for d in yaml.safe_load_all(f) if d]
    scaled = only(documents, "ScaledObject")
    expect(scaled["apiVersion"].startswith("keda.sh/"), "not a keda.sh resource")
    expect(scaled["spec"]["scaleTargetRef"]["name"] == "wasmfaas", "not the chart's Deployment")
    expect(scaled["spec"]["triggers"], "no triggers")
    return f"{len(scaled['spec']['triggers'])} triggers"


CHECKS = {"manifest": check_manifest, "compose": check_compose,
          "settings": check_settings_file, "keda": check_keda}

if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in CHECKS:
        sys.exit(__doc__)
    try:
        print(CHECKS[sys.argv[1]](*sys.argv[2:]))
    except CheckFailed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
