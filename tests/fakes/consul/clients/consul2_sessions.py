#!/usr/bin/python3
"""Debian's python3-consul2 against fake-consul: sessions and KV locks as an application using
that library for leader election sees them. Usage: consul2_sessions.py HOST PORT. Prints one
line per check; exits 1 at the first one that does not hold."""
import sys

import consul

host, port = sys.argv[1], int(sys.argv[2])
c = consul.Consul(host=host, port=port)
other = consul.Consul(host=host, port=port)  # a second application instance


def check(what, actual, expected):
    if actual != expected:
        print(f"FAIL {what}: expected {expected!r}, got {actual!r}")
        sys.exit(1)
    print(f"PASS {what}")


def refused(what, call, expected_error):
    try:
        call()
    except consul.ConsulException as e:
        check(what, f"{type(e).__name__}: {e}", expected_error)
        return
    print(f"FAIL {what}: no error")
    sys.exit(1)


# The safety bug the issue reported: a made-up session must not get the lock.
refused("acquire with a session that does not exist",
        lambda: c.kv.put("service/leader", "me", acquire="made-up"),
        'ConsulException: 500 invalid session "made-up"')
check("nothing was written", c.kv.get("service/leader")[1], None)

sid = c.session.create(name="leader-election", behavior="release", lock_delay=0)
check("session.create answers an ID", len(sid), 36)
index, info = c.session.info(sid)
check("session.info: name, node, behavior, checks",
      (info["Name"], info["Node"], info["Behavior"], info["NodeChecks"], info["LockDelay"]),
      ("leader-election", "node1", "release", ["serfHealth"], 0))
check("session.list has it", [s["ID"] for s in c.session.list()[1]], [sid])
check("session.node has it", [s["ID"] for s in c.session.node("node1")[1]], [sid])
check("session.renew answers it", c.session.renew(sid)["ID"], sid)

check("acquire", c.kv.put("service/leader", "host-a", acquire=sid), True)
_, entry = c.kv.get("service/leader")
check("the entry shows the holder", (entry["Session"], entry["LockIndex"], entry["Value"]), (sid, 1, b"host-a"))

sid2 = other.session.create(name="candidate")
check("another session cannot acquire a held lock", other.kv.put("service/leader", "host-b", acquire=sid2), False)
check("nor release it", other.kv.put("service/leader", "host-b", release=sid2), False)
check("the value is the holder's", c.kv.get("service/leader")[1]["Value"], b"host-a")

check("release", c.kv.put("service/leader", "host-a", release=sid), True)
check("the entry has no holder", "Session" in c.kv.get("service/leader")[1], False)
check("the other session acquires it now", other.kv.put("service/leader", "host-b", acquire=sid2), True)
check("LockIndex counts acquisitions", c.kv.get("service/leader")[1]["LockIndex"], 2)

# Invalidation with python-consul's default lock_delay (15 s): the key is released and a new
# lock on it is refused meanwhile, for every client.
check("session.destroy", other.session.destroy(sid2), True)
check("destroy released the key", "Session" in c.kv.get("service/leader")[1], False)
check("lock-delay refuses the next acquire", c.kv.put("service/leader", "host-a", acquire=sid), False)
refused("a destroyed session cannot acquire",
        lambda: other.kv.put("other/key", "x", acquire=sid2),
        f'ConsulException: 500 invalid session "{sid2}"')
check("the destroyed session is gone", c.session.info(sid2)[1], None)
refused("renewing it is 404", lambda: other.session.renew(sid2), f"NotFound: Session id '{sid2}' not found")

eph = c.session.create(behavior="delete", lock_delay=0)
check("acquire with a delete session", c.kv.put("ephemeral/worker", "up", acquire=eph), True)
c.session.destroy(eph)
check("behavior delete removed the key", c.kv.get("ephemeral/worker")[1], None)

refused("a TTL under session_ttl_min", lambda: c.http.put(consul.base.CB.json(), "/v1/session/create",
        data='{"TTL":"5s"}'),
        "ConsulException: 500 Invalid Session TTL '5000000000', must be between [10s=24h0m0s]")
print("all checks passed")
