"""The production chain on loopback (start.sh, gunicorn, PostgreSQL, nginx), shared by tests/e2e and bench."""
