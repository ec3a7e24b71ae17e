#!/usr/bin/env bash
# The deployment artifacts of deploy/ (docs/deploy.md), checked with the
# tools that would read them, offline:
# - the Helm chart: `helm lint --strict`, then `helm template` with its
#   default values and with each deploy/helm/wasmfaas/ci/*-values.yaml
#   (every option exercised) validated by kubernetes-validate --strict
#   against Kubernetes 1.37 and 1.30, and by deploy_checks.py (grace period
#   above delay + drain, probes, securityContext, real setting names); a
#   setting the chart owns is refused in `settings`;
# - deploy/kubernetes/wasmfaas.yaml equals a fresh deploy/render-manifests.sh;
# - deploy/nginx/nginx.conf: `nginx -t` (unprivileged: own prefix, pid,
#   error log and temporary directories);
# - deploy/haproxy/haproxy.cfg: `haproxy -c` with the compose file's
#   environment (skipped, saying so, while the file does not exist);
# - deploy/docker-compose.yml: `docker-compose config -q` (Debian's 1.29.2),
#   and its nodes' settings and stop grace period;
# - deploy/container/wasmfaas.toml (the image's settings) and the KEDA example.
#
#   deploy_artifacts_test.sh <wasmfaas binary> <helm> <test python>
#
# <helm> is the set-up's pinned helm, <test python> the tests' venv, which
# has kubernetes-validate (scripts/setup.sh installs both).
set -euo pipefail
BINARY=$1
HELM=$2
PYTHON=$3
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
KUBERNETES_VALIDATE=$(dirname "$PYTHON")/kubernetes-validate
CHART=$ROOT/deploy/helm/wasmfaas
KUBERNETES_VERSIONS=(1.37.0 1.30.0)
for tool in "$HELM" "$KUBERNETES_VALIDATE"; do
  [ -x "$tool" ] || { echo "no $tool: run scripts/setup.sh (make does)"; exit 1; }
done
# Debian keeps nginx and haproxy in /usr/sbin, off an unprivileged PATH.
PATH=$PATH:/usr/sbin
for tool in nginx haproxy docker-compose; do
  command -v "$tool" >/dev/null || { echo "no $tool: run scripts/setup.sh (make does)"; exit 1; }
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$BINARY" serve --help >"$WORK/serve-help.txt"

PASSED=0
FAILED=0
# check <name> <command>...: runs it, its output kept for a failure.
check() {
  local name=$1
  shift
  if "$@" >"$WORK/output" 2>&1; then
    PASSED=$((PASSED + 1))
    echo "ok: $name"
  else
    FAILED=$((FAILED + 1))
    echo "FAILED: $name"
    sed 's/^/    /' "$WORK/output"
  fi
}
checks() { "$PYTHON" "$HERE/deploy_checks.py" "$@"; }

# ---- The Helm chart -------------------------------------------------------
validate_rendered() {
  local rendered=$1 version
  for version in "${KUBERNETES_VERSIONS[@]}"; do
    "$KUBERNETES_VALIDATE" --strict --quiet --kubernetes-version "$version" "$rendered" || return 1
  done
}
render_and_check() {
  local label=$1
  shift
  check "helm lint --strict ($label)" "$HELM" lint --strict "$CHART" "$@"
  if ! "$HELM" template wasmfaas "$CHART" "$@" >"$WORK/$label.yaml" 2>"$WORK/output"; then
    FAILED=$((FAILED + 1))
    echo "FAILED: helm template ($label)"
    sed 's/^/    /' "$WORK/output"
    return
  fi
  check "kubernetes-validate --strict ${KUBERNETES_VERSIONS[*]} ($label)" \
    validate_rendered "$WORK/$label.yaml"
  check "grace period, probes, securityContext, settings ($label)" \
    checks manifest "$WORK/$label.yaml" "$WORK/serve-help.txt"
}
render_and_check defaults
for values in "$CHART"/ci/*-values.yaml; do
  render_and_check "$(basename "$values" -values.yaml)" --values "$values"
done
refuses_owned_setting() {
  ! "$HELM" template wasmfaas "$CHART" --set settings.listen=0.0.0.0:1 >/dev/null 2>&1
}
check "the chart refuses settings.listen (a setting it owns)" refuses_owned_setting

committed_manifests_are_fresh() {
  HELM=$HELM "$ROOT/deploy/render-manifests.sh" "$WORK/fresh.yaml" &&
    diff -u "$ROOT/deploy/kubernetes/wasmfaas.yaml" "$WORK/fresh.yaml"
}
check "deploy/kubernetes/wasmfaas.yaml is what deploy/render-manifests.sh renders" \
  committed_manifests_are_fresh

# ---- Load balancers -------------------------------------------------------
# nginx -t on a copy that also sets the temporary directories under $WORK
# (one include in the http block): with the prefix, pid and error log there
# too, it needs no root and touches nothing of the machine's nginx.
nginx_config_test() {
  local dir=$WORK/nginx
  mkdir -p "$dir"
  printf '%s_temp_path %s;\n' client_body "$dir/body" proxy "$dir/proxy" \
    fastcgi "$dir/fastcgi" uwsgi "$dir/uwsgi" scgi "$dir/scgi" >"$dir/temp-paths.conf"
  sed "/^http {/a\\  include $dir/temp-paths.conf;" "$ROOT/deploy/nginx/nginx.conf" >"$dir/nginx.conf"
  grep -qF "include $dir/temp-paths.conf;" "$dir/nginx.conf" || { echo "no 'http {' line"; return 1; }
  nginx -t -q -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log" -g "pid $dir/nginx.pid;"
}
check "nginx -t deploy/nginx/nginx.conf" nginx_config_test

HAPROXY_CONFIG=$ROOT/deploy/haproxy/haproxy.cfg
if [ -f "$HAPROXY_CONFIG" ]; then
  # The environment docker-compose.yml gives it (addresses, not names: -c
  # resolves the servers' host names).
  check "haproxy -c deploy/haproxy/haproxy.cfg" env WASMFAAS_LB_BIND='*:8080' \
    WASMFAAS_LB_STATS_BIND='127.0.0.1:8404' WASMFAAS_NODE1=127.0.0.2:3000 \
    WASMFAAS_NODE2=127.0.0.3:3000 WASMFAAS_NODE3=127.0.0.4:3000 \
    haproxy -c -f "$HAPROXY_CONFIG"
else
  echo "skipped: haproxy -c (no deploy/haproxy/haproxy.cfg yet)"
fi

# ---- docker-compose, the image's settings, the KEDA example ---------------
compose_config() {
  docker-compose -f "$ROOT/deploy/docker-compose.yml" config -q &&
    docker-compose -f "$ROOT/deploy/docker-compose.yml" config >"$WORK/compose.yaml" &&
    checks compose "$WORK/compose.yaml" "$WORK/serve-help.txt"
}
check "docker-compose config deploy/docker-compose.yml" compose_config
check "deploy/container/wasmfaas.toml names real settings" \
  checks settings "$ROOT/deploy/container/wasmfaas.toml" "$WORK/serve-help.txt"
check "deploy/keda/scaledobject.yaml is a ScaledObject" checks keda "$ROOT/deploy/keda/scaledobject.yaml"

echo "deploy artifacts: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
