"""`make bench`: the directory under load, beside a psycopg baseline and Datasette.

See run.py for the steps, endpoints.py for what is measured, report.py for the targets
and how BENCHMARKS.md is written.
"""
