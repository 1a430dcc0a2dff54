#!/usr/bin/python3
"""Debian's python3-consul2 against fake-consul: prepared queries (create, list, get, update,
explain, execute, delete) and failover: once every dc1 instance is critical, executing the
query answers dc2's instance.
Usage: consul2_queries.py HOST PORT DC2_HOST DC2_PORT (dc1's agent, then dc2's). Prints one line per check; exits 1 at the
first one that does not hold."""
import sys

import consul

host, port, east_host, east_port = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
c = consul.Consul(host=host, port=port)
east = consul.Consul(host=east_host, port=east_port)


def check(what, actual, expected):
    if actual != expected:
        print(f"FAIL {what}: expected {expected!r}, got {actual!r}")
        sys.exit(1)
    print(f"PASS {what}")


c.agent.service.register("web", service_id="w1", address="10.0.0.1", port=80, tags=["v1"],
                         check=consul.Check.ttl("1h"))
c.agent.check.ttl_pass("service:w1")
east.agent.service.register("web", service_id="w2", address="10.0.0.2", port=80, tags=["v1"])

# The library always sends Template.Type name_prefix_match, so its queries are templates that
# run by name (Consul refuses templates by ID).
created = c.query.create("web", name="webq", nearestn=1, ttl="5s", tags=["v1", "!canary"])
qid = created["ID"]
check("query.create answers an ID", len(qid), 36)
check("query.list has it", [q["ID"] for q in c.query.list()], [qid])
got = c.query.get(qid)
check("query.get", (got[0]["Name"], got[0]["Service"]["Service"], got[0]["Service"]["Tags"],
                    got[0]["Service"]["Failover"]["NearestN"], got[0]["DNS"]["TTL"], got[0]["Template"]["Type"]),
      ("webq", "web", ["v1", "!canary"], 1, "5s", "name_prefix_match"))

result = c.query.execute("webq")
check("query.execute answers dc1's instance", (result["Datacenter"], result["Failovers"],
                                                [n["Service"]["ID"] for n in result["Nodes"]]), ("dc1", 0, ["w1"]))
check("query.explain renders it", c.query.explain("webq")["Query"]["Service"]["Service"], "web")

c.agent.check.ttl_fail("service:w1")
result = c.query.execute("webq")
check("every dc1 instance critical: execute fails over to dc2",
      (result["Datacenter"], result["Failovers"], [n["Service"]["ID"] for n in result["Nodes"]]), ("dc2", 1, ["w2"]))
check("execute with limit", len(c.query.execute("webq", limit=1)["Nodes"]), 1)

check("query.update", c.query.update(qid, service="web", name="webq", tags=["v2"]), True)
check("the update replaced the query", c.query.get(qid)[0]["Service"]["Tags"], ["v2"])
check("no instance has v2 anywhere", c.query.execute("webq")["Nodes"], [])

try:
    c.query.create("web", name="WEBQ")
    check("a second query with the same name is refused", "created", "refused")
except consul.base.ConsulException as e:
    check("a second query with the same name is refused", str(e), "500 name 'WEBQ' aliases an existing query name")

check("query.delete", c.query.delete(qid), True)
check("the list is empty", c.query.list(), [])
# The library maps Consul's 404 to "no result" (its default allow_404).
check("executing a deleted query finds nothing", c.query.execute("webq")[1], None)
print("all checks passed")
