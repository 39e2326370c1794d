"""psycopg 3 server-side prepared statements through pgmux.

CLIENTS connections in threads, each running ROUNDS rounds of TEXTS distinct queries with prepare_threshold=0
(every query is prepared by name on its first execution, then only bound), then a pipeline of prepared queries;
every row checked. Prints "ok <executions>" and exits 0, or prints the first error and exits 1.
Usage: python3 psycopg_prepared.py port user password database clients rounds texts
"""
import sys
import threading

import psycopg

port, user, password, database, clients, rounds, texts = sys.argv[1:8]
failures = []
counts = []


def run_client(client_id):
    executed = 0
    with psycopg.connect(host="127.0.0.1", port=int(port), user=user, password=password, dbname=database,
                         prepare_threshold=0, autocommit=True) as conn:
        for rnd in range(int(rounds)):
            for k in range(int(texts)):
                rows = 1 + (client_id + rnd + k) % 5
                cur = conn.execute(
                    f"SELECT g, g * {k} AS product, %s::text AS tag FROM generate_series(1, %s::int) g ORDER BY g",
                    (f"{client_id}/{rnd}", rows))
                got = cur.fetchall()
                expected = [(g, g * k, f"{client_id}/{rnd}") for g in range(1, rows + 1)]
                if got != expected:
                    raise AssertionError(f"client {client_id} text {k}: {got} != {expected}")
                executed += 1
        with conn.pipeline():
            cursors = []
            for k in range(int(texts)):
                cur = conn.cursor()
                cur.execute(f"SELECT %s::int * {k}", (client_id,), prepare=True)
                cursors.append((k, cur))
        for k, cur in cursors:
            value = cur.fetchone()[0]
            if value != client_id * k:
                raise AssertionError(f"client {client_id} pipelined text {k}: {value}")
            executed += 1
    return executed


def worker(client_id):
    try:
        counts.append(run_client(client_id))
    except Exception as e:  # reported by the main thread
        failures.append(f"client {client_id}: {type(e).__name__}: {e}")


threads = [threading.Thread(target=worker, args=(i,)) for i in range(int(clients))]
for t in threads:
    t.start()
for t in threads:
    t.join()
if failures:
    print("failed: " + failures[0])
    sys.exit(1)
print(f"ok {sum(counts)}")
