#!/usr/bin/python3
"""Debian's python3-consul2 against fake-consul: user events (fire, list, a blocking list woken
by the next event) and a KV transaction (applied together, or refused with nothing changed).
Usage: consul2_events_txn.py HOST PORT. Prints one line per check; exits 1 at the first one
that does not hold."""
import base64
import json
import sys
import threading

import consul

host, port = sys.argv[1], int(sys.argv[2])
c = consul.Consul(host=host, port=port)


def check(what, actual, expected):
    if actual != expected:
        print(f"FAIL {what}: expected {expected!r}, got {actual!r}")
        sys.exit(1)
    print(f"PASS {what}")


def b64(text):
    return base64.b64encode(text.encode()).decode()


fired = c.event.fire("deploy", "v2")
check("event.fire answers the event", (fired["Name"], fired["Payload"], fired["Version"]), ("deploy", b64("v2"), 1))
index, events = c.event.list(name="deploy")
check("event.list has it", [e["ID"] for e in events], [fired["ID"]])

seen = {}
waiter = threading.Thread(target=lambda: seen.update(result=c.event.list(index=index, wait="30s")))
waiter.start()
second = c.event.fire("deploy", "v3")
waiter.join(60)
check("a blocking event.list returns with the next event", [e["ID"] for e in seen["result"][1]],
      [fired["ID"], second["ID"]])
check("its index moved", seen["result"][0] != index, True)

result = c.txn.put([{"KV": {"Verb": "set", "Key": "txn/a", "Value": b64("1")}},
                    {"KV": {"Verb": "set", "Key": "txn/b", "Value": b64("2")}}])
check("txn.put applies both", [r["KV"]["Key"] for r in result["Results"]], ["txn/a", "txn/b"])
check("both at one index", result["Results"][0]["KV"]["ModifyIndex"], result["Results"][1]["KV"]["ModifyIndex"])
try:
    c.txn.put([{"KV": {"Verb": "set", "Key": "txn/c", "Value": b64("3")}},
               {"KV": {"Verb": "cas", "Key": "txn/a", "Index": 1, "Value": b64("x")}}])
    print("FAIL a stale cas in a transaction: no error")
    sys.exit(1)
except consul.base.ClientError as e:
    status, body = str(e).split(" ", 1)
    check("a stale cas fails the transaction with 409", status, "409")
    check("naming the operation", json.loads(body)["Errors"],
          [{"OpIndex": 1, "What": 'failed to set key "txn/a", index is stale'}])
check("nothing of it was applied", c.kv.get("txn/c")[1], None)
check("txn/a is unchanged", c.kv.get("txn/a")[1]["Value"], b"1")
print("all checks passed")
