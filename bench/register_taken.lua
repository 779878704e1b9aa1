-- wrk script: register the benchmark user's address, which is taken, on every request.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email": "bench@example.com", "password": "bench-passphrase-2931"}'
