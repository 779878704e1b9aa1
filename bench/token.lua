-- wrk script: POST the benchmark user's credentials to the token endpoint.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email": "bench@example.com", "password": "bench-passphrase-2931"}'
