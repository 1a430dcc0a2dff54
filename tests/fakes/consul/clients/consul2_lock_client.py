#!/usr/bin/python3
"""One application instance using python3-consul2's session and KV API for a lock.
Usage: consul2_lock_client.py HOST PORT MODE ARG
  hold KEY      create a session (lock-delay 0), acquire KEY, print the session ID
  wait KEY      create a session, then wait on KEY with blocking queries until it is free and
                acquire it; print "acquired LockIndex=N" (gives up after 60 s, exit 1)
  destroy ID    destroy session ID"""
import sys
import time

import consul

host, port, mode, arg = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
c = consul.Consul(host=host, port=port)

if mode == "hold":
    sid = c.session.create(name="holder", lock_delay=0)
    if not c.kv.put(arg, "holder", acquire=sid):
        sys.exit("could not acquire " + arg)
    print(sid)
elif mode == "wait":
    sid = c.session.create(name="waiter", lock_delay=0)
    deadline = time.monotonic() + 60
    index, entry = c.kv.get(arg)
    print("waiting", flush=True)
    while time.monotonic() < deadline:
        if entry is None or "Session" not in entry:
            if c.kv.put(arg, "waiter", acquire=sid):
                print("acquired LockIndex=%d" % c.kv.get(arg)[1]["LockIndex"], flush=True)
                sys.exit(0)
        # Consul's lock recipe: a blocking query on the key until its index moves.
        index, entry = c.kv.get(arg, index=index, wait="30s")
    sys.exit("gave up waiting for " + arg)
elif mode == "destroy":
    print(c.session.destroy(arg))
else:
    sys.exit("unknown mode " + mode)
