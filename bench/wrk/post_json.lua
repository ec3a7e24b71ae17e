-- wrk script: POST the JSON body in the environment variable BODY.
wrk.method = "POST"
wrk.body = os.getenv("BODY") or '{"name":"World"}'
wrk.headers["Content-Type"] = "application/json"
