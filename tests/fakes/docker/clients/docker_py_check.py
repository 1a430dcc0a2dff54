"""docker-py (Debian's python3-docker 5.0.3) against fake-docker: what a user of the
library does, and what they would check, one line per check ("ok ..." or "FAIL ...").
Exits 1 when a check fails, 2 when the library raised where it should not have.

Run by tests/fakes/docker/docker_py_test.cpp with /usr/bin/python3 (Debian's modules),
DOCKER_HOST pointing at a fake-docker whose --images lists "test" (ExposedPorts 80/tcp).
"""
import sys
import threading
import time
from datetime import datetime

import docker
from docker.errors import APIError, ImageNotFound, NotFound

failures = []


def check(what, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + what + ("" if ok else ": " + str(detail)), flush=True)
    if not ok:
        failures.append(what)


def raises(what, error_type, call, status=None, text=None):
    """The call must raise error_type (with this HTTP status / text in its explanation)."""
    try:
        call()
    except error_type as e:
        explanation = str(getattr(e, "explanation", "") or e)
        good = (status is None or getattr(e, "status_code", None) == status) and (text is None or text in explanation)
        check(what, good, "%s %s" % (getattr(e, "status_code", None), explanation))
        return
    except Exception as e:  # the wrong error is a failed check, not a crash
        check(what, False, "raised %r" % e)
        return
    check(what, False, "did not raise")


client = docker.from_env()  # DOCKER_HOST; docker-py 5 negotiates the version (GET /version)
old = docker.from_env(version="1.41")  # a client pinned to an older API

# --- system: ping, version, info ---
check("ping", client.ping() is True)
version = client.version()
check("version names the API", version.get("ApiVersion") == "1.47" and version.get("MinAPIVersion") == "1.24", version)
check("version negotiated", client.api.api_version == "1.47", client.api.api_version)
info = client.info()
check("info counts no containers yet", info.get("Containers") == 0 and info.get("ContainersRunning") == 0, info)
t0 = time.time()

# --- containers: run, create, start, stop, kill, restart, pause, rename, wait, remove ---
web = client.containers.run("test", detach=True, name="web", environment={"SERVICE_NAME": "web"},
                            labels={"team": "blue"}, ports={"80/tcp": 8080})
web.reload()
check("run -> running", web.status == "running", web.status)
check("run published 80/tcp on 8080", web.ports.get("80/tcp", [{}])[0].get("HostPort") == "8080", web.ports)
check("run env and labels", "SERVICE_NAME=web" in web.attrs["Config"]["Env"] and web.labels.get("team") == "blue",
      web.attrs["Config"])
ip = web.attrs["NetworkSettings"]["Networks"]["bridge"]["IPAddress"]
check("run on the default bridge", ip.startswith("172.17.0."), ip)

made = client.containers.create("test", name="made", labels={"stage": "made"})
check("create -> created", made.status == "created", made.status)
made.start()
made.reload()
check("start -> running", made.status == "running", made.status)
made.stop(timeout=1)
made.reload()
check("stop -> exited 143", made.status == "exited" and made.attrs["State"]["ExitCode"] == 143, made.attrs["State"])
check("wait on an exited container", made.wait() == {"StatusCode": 143, "Error": None}, made.wait())

# wait() blocks until the container ends: a second thread kills it while the first waits
# (condition not-running: had the kill come first, the wait answers at once, with the same code).
waited = {}
made.start()
waiter = threading.Thread(target=lambda: waited.update(made.wait()), daemon=True)
waiter.start()
made.kill()
waiter.join(10)
check("wait returns when killed", waited.get("StatusCode") == 137, waited)

made.restart(timeout=1)
made.reload()
check("restart -> running", made.status == "running", made.status)
made.pause()
made.reload()
check("pause -> paused", made.status == "paused", made.status)
made.unpause()
made.reload()
check("unpause -> running", made.status == "running", made.status)
made.rename("renamed")
made.reload()
check("rename", made.name == "renamed", made.name)
made.kill(signal="SIGTERM")
made.reload()
check("kill SIGTERM -> exited 143", made.attrs["State"]["ExitCode"] == 143, made.attrs["State"])
raises("start of a paused container is refused", APIError,
       lambda: (web.pause(), web.start()), status=409, text="cannot start a paused container")
web.unpause()

# --- list filters ---
def names(**kwargs):
    return sorted(c.name for c in client.containers.list(**kwargs))


check("list: running only", names() == ["web"], names())
check("list all", names(all=True) == ["renamed", "web"], names(all=True))
check("list label filter", names(all=True, filters={"label": "team=blue"}) == ["web"])
check("list status filter", names(all=True, filters={"status": "exited"}) == ["renamed"])
check("list name filter", names(all=True, filters={"name": "renam"}) == ["renamed"])
check("list ancestor filter", names(all=True, filters={"ancestor": "test"}) == ["renamed", "web"])
check("list exited filter", names(all=True, filters={"exited": 143}) == ["renamed"])
check("list id filter", names(all=True, filters={"id": web.id[:12]}) == ["web"])
raises("list: unknown filter refused", APIError, lambda: client.containers.list(filters={"colour": "red"}),
       status=400, text="invalid filter 'colour'")

# --- networks: create, connect (aliases), disconnect, remove, prune ---
net = client.networks.create("appnet", driver="bridge", labels={"tier": "back"})
net.connect(web, aliases=["www"])
web.reload()
endpoint = web.attrs["NetworkSettings"]["Networks"].get("appnet", {})
check("connect: an address on the network", endpoint.get("IPAddress", "").startswith("172.18.0."), endpoint)
check("connect: aliases as sent (API 1.47)", endpoint.get("Aliases") == ["www"], endpoint)
check("connect: DNS names", endpoint.get("DNSNames") == ["web", "www", web.id[:12]], endpoint)
old_endpoint = old.containers.get("web").attrs["NetworkSettings"]["Networks"]["appnet"]
check("connect: the short ID added below API 1.45", old_endpoint.get("Aliases") == ["www", web.id[:12]], old_endpoint)
net.reload()
check("network lists its container", [c.name for c in net.containers] == ["web"], net.attrs["Containers"])
check("network filter on list", names(filters={"network": "appnet"}) == ["web"])
net.disconnect(web)
web.reload()
check("disconnect", "appnet" not in web.attrs["NetworkSettings"]["Networks"], web.attrs["NetworkSettings"]["Networks"])
idle = client.networks.create("idle")
pruned = client.networks.prune(filters={"label": "tier=back"})
check("network prune by label", pruned == {"NetworksDeleted": ["appnet"]}, pruned)
check("network list", sorted(n.name for n in client.networks.list()) == ["bridge", "host", "idle", "none"])
idle.remove()
raises("removed network is gone", NotFound, lambda: client.networks.get("idle"), status=404,
       text="network idle not found")

# A created container leaves its network and joins again with an alias (docker-compose does this).
client.networks.create("front")
staged = client.containers.create("test", name="staged", network="front")
client.api.disconnect_container_from_network(staged.id, "front")
staged.reload()
check("disconnect a created container", staged.attrs["NetworkSettings"]["Networks"] == {},
      staged.attrs["NetworkSettings"]["Networks"])
client.api.connect_container_to_network(staged.id, "front", aliases=["staged-alias"])
staged.start()
staged.reload()
front = staged.attrs["NetworkSettings"]["Networks"]["front"]
check("rejoined with its alias, address at start",
      front["Aliases"][0] == "staged-alias" and front["IPAddress"].startswith("172."), front)
staged.remove(force=True)

# --- images ---
image = client.images.get("test")
check("images.get", image.tags == ["test:latest"] and "80/tcp" in image.attrs["Config"]["ExposedPorts"], image.attrs)
check("images.list", [i.tags for i in client.images.list()] == [["test:latest"]])
raises("unknown image", ImageNotFound, lambda: client.images.get("nosuch"), status=404, text="No such image")
pulled = client.images.pull("busybox", tag="1.36")
check("images.pull: then listed and inspectable", pulled.tags == ["busybox:1.36"] and
      sorted(t for i in client.images.list() for t in i.tags) == ["busybox:1.36", "test:latest"], pulled.tags)

# --- events: since/until windows, filters, decoded ---
t1 = time.time()
events = list(client.events(since=t0, until=t1, decode=True, filters={"type": "container", "container": "web"}))
actions = [e["Action"] for e in events]
check("events since/until, filtered by container",
      actions[:1] == ["create"] and "start" in actions and all(e["Actor"]["ID"] == web.id for e in events), actions)
old_events = list(old.events(since=t0, until=t1, decode=True, filters={"type": "container", "container": "web"}))
check("events decoded with the legacy fields at 1.41", len(old_events) == len(events) and
      all(e.get("status") == e["Action"] and e.get("id") == web.id and e.get("from") == "test" for e in old_events))
kills = list(client.events(since=t0, until=t1, decode=True, filters={"event": "kill"}))
check("events event filter", kills and all(e["Action"] == "kill" for e in kills), kills)
network_events = list(client.events(since=datetime.utcfromtimestamp(int(t0)), until=t1, decode=True,
                                    filters={"type": "network", "network": "appnet"}))
check("network events, since as a datetime", [e["Action"] for e in network_events] ==
      ["create", "connect", "disconnect", "disconnect", "destroy"], [e["Action"] for e in network_events])

# --- system df; prune ---
df = client.df()
users = {i["RepoTags"][0]: i["Containers"] for i in df["Images"]}
check("df", df["LayersSize"] == 0 and len(df["Containers"]) == 2 and users == {"busybox:1.36": 0, "test:latest": 2}
      and df["Volumes"] == [] and df["BuildCache"] == [], df)
pruned = client.containers.prune(filters={"label": "team=blue"})
check("prune keeps running containers", pruned == {"ContainersDeleted": None, "SpaceReclaimed": 0}, pruned)
renamed_id = client.containers.get("renamed").id
pruned = client.containers.prune()
check("prune removes stopped ones", pruned == {"ContainersDeleted": [renamed_id], "SpaceReclaimed": 0}, pruned)
raises("pruned container is gone", NotFound, lambda: client.containers.get("renamed"), status=404)
prune_events = list(client.events(since=t1, until=time.time(), decode=True, filters={"event": "prune"}))
check("prune events", [e["Type"] for e in prune_events] == ["container", "container"] and
      all(e["Actor"]["Attributes"] == {"reclaimed": "0"} for e in prune_events), prune_events)

# --- process I/O of an image without a script (a scripted one: docker_py_process_io.py) ---
check("logs of an unscripted image are empty", web.logs() == b"", web.logs())
check("a built-in exec answers", tuple(web.exec_run("hostname")) == (0, (web.attrs["Config"]["Hostname"] + "\n").encode()),
      web.exec_run("hostname"))

# --- remove ---
web.remove(force=True)
raises("removed container is gone", NotFound, lambda: client.containers.get("web"), status=404,
       text="No such container: web")
check("nothing left", client.containers.list(all=True) == [])

print("%d failed" % len(failures) if failures else "all passed")
sys.exit(1 if failures else 0)
