#!/usr/bin/python3
"""Debian's python3-consul2 against fake-consul with ACLs on (started with --acl-default-policy
deny and no management token): bootstrap, policies, tokens, then what a scoped token may do,
each refusal checked by its text. Usage: consul2_acl.py HOST PORT. Prints one line per check;
exits 1 at the first one that does not hold."""
import sys

import consul

host, port = sys.argv[1], int(sys.argv[2])
anonymous = consul.Consul(host=host, port=port)


def check(what, actual, expected):
    if actual != expected:
        print(f"FAIL {what}: expected {expected!r}, got {actual!r}")
        sys.exit(1)
    print(f"PASS {what}")


def refused(what, call, exception, text):
    try:
        call()
    except exception as e:
        check(what, str(e), text)
        return
    print(f"FAIL {what}: no {exception.__name__}")
    sys.exit(1)


boot = anonymous.acl.bootstrap()
check("acl.bootstrap gives a management token", boot["Policies"][0]["Name"], "global-management")
refused("a second bootstrap", anonymous.acl.bootstrap, consul.ACLPermissionDenied,
        f"Permission denied: ACL bootstrap no longer allowed (reset index: {boot['CreateIndex']})")
root = consul.Consul(host=host, port=port, token=boot["SecretID"])

policy = root.acl.policy.create("web-deployer", description="registers web",
                                rules='service_prefix "web" {\n  policy = "write"\n}\nkey_prefix "web/" { policy = "read" }')
check("acl.policy.create", policy["Name"], "web-deployer")
check("acl.policy.get by name", root.acl.policy.get(name="web-deployer")["ID"], policy["ID"])
check("acl.policy.list", sorted(p["Name"] for p in root.acl.policy.list()), ["global-management", "web-deployer"])
refused("rules that do not parse", lambda: root.acl.policy.create("broken", rules='service "web" { policy = }'),
        consul.ConsulException, "500 Failed to parse ACL rules: At 1:26: expected a quoted string as the value of \"policy\", got \"}\"")
check("nothing was created by the refusal", len(root.acl.policy.list()), 2)

token = root.acl.tokens.create({"Description": "deployer", "Policies": [{"Name": "web-deployer"}]})
check("acl.tokens.create links the policy", token["Policies"][0]["ID"], policy["ID"])
deployer = consul.Consul(host=host, port=port, token=token["SecretID"])
check("acl.tokens.self", deployer.acl.tokens.self()["AccessorID"], token["AccessorID"])
check("acl.tokens.list by policy", [t["AccessorID"] for t in root.acl.tokens.list(policy=policy["ID"])], [token["AccessorID"]])

check("the token registers web-1", deployer.agent.service.register("web", service_id="web-1", port=80), True)
denied = f"Permission denied: token with AccessorID '{token['AccessorID']}' lacks permission 'service:write' on \"db\""
refused("the token may not register db", lambda: deployer.agent.service.register("db", port=5432),
        consul.ACLPermissionDenied, denied)
check("db is not there", sorted(root.agent.services().keys()), ["web-1"])
refused("the token may not manage ACLs", deployer.acl.policy.list, consul.ACLPermissionDenied,
        f"Permission denied: token with AccessorID '{token['AccessorID']}' lacks permission 'acl:read'")

root.kv.put("web/config", "v1")
root.kv.put("db/config", "secret")
index, entries = deployer.kv.get("", recurse=True)
check("a recursive read shows only readable keys", [e["Key"] for e in entries], ["web/config"])
refused("a key it may not read", lambda: deployer.kv.get("db/config"), consul.ACLPermissionDenied,
        f"Permission denied: token with AccessorID '{token['AccessorID']}' lacks permission 'key:read' on \"db/config\"")
refused("an unknown token", lambda: consul.Consul(host=host, port=port, token="made-up").kv.get("web/config"),
        consul.ACLPermissionDenied, "ACL not found")

check("acl.tokens.delete", root.acl.tokens.delete(token["AccessorID"]), True)
refused("the deleted token is unknown", deployer.acl.tokens.self, consul.ACLPermissionDenied, "ACL not found")
check("acl.policy.delete", root.acl.policy.delete(policy["ID"]), True)
print("all checks passed")
