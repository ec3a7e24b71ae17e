# Sourced by shell tests and benchmarks that need a real S3 server.
#
# start_versitygw <versitygw binary> <work dir>: starts versitygw (POSIX
# backend with versioning) on a free loopback port with fresh credentials,
# exports AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY for it, sets GATEWAY to its pid and waits until it
# answers. The caller stops it (kill "$GATEWAY").
start_versitygw() {
  local binary=$1 work=$2 port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$work/s3/root" "$work/s3/versions" "$work/s3/meta"
  export AWS_ACCESS_KEY_ID="key$RANDOM$RANDOM" AWS_SECRET_ACCESS_KEY="secret$RANDOM$RANDOM$RANDOM"
  export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_REGION=us-east-1
  "$binary" --port "127.0.0.1:$port" --access "$AWS_ACCESS_KEY_ID" \
    --secret "$AWS_SECRET_ACCESS_KEY" --region us-east-1 --quiet posix \
    --versioning-dir "$work/s3/versions" --sidecar "$work/s3/meta" "$work/s3/root" \
    >"$work/versitygw.log" 2>&1 &
  GATEWAY=$!
  for _ in $(seq 200); do
    curl -s -o /dev/null "$AWS_ENDPOINT_URL" && return 0
    sleep 0.05
  done
  echo "versitygw did not start:" >&2
  cat "$work/versitygw.log" >&2
  return 1
}
