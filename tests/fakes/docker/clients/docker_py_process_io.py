"""docker-py (Debian's python3-docker 5.0.3) against fake-docker's scripted processes: exec_run,
logs (tail, stream and follow), and run without detach. One line per check ("ok ..." or
"FAIL ..."); exits 1 when a check fails.

Run by tests/fakes/docker/docker_py_test.cpp with /usr/bin/python3, DOCKER_HOST pointing at a
fake-docker whose --images lists "scripted" with this FakeProcess:
  Logs: "starting", {"stderr": "no config"}, "listening on :80"
  Exec: "cat /etc/motd" -> Stdout "hello\\n"; "sh -c exit 3" -> Stderr "bye\\n", ExitCode 3
"""
import sys
import threading
import time

import docker
from docker.errors import APIError

failures = []


def check(what, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + what + ("" if ok else ": " + str(detail)), flush=True)
    if not ok:
        failures.append(what)


client = docker.from_env()


def control(path, data=None):
    """fake-docker's /_fake/ routes, over the client's own unix-socket session."""
    res = client.api.post("http+docker://localhost/_fake/" + path, data=data)
    res.raise_for_status()


web = client.containers.run("scripted", name="web", detach=True)

# --- exec_run: (exit_code, output) ---
result = web.exec_run(["cat", "/etc/motd"])
check("exec_run of a scripted command", tuple(result) == (0, b"hello\n"), result)
result = web.exec_run(["sh", "-c", "exit 3"], demux=True)
check("exec_run demux: stderr and the exit code", tuple(result) == (3, (None, b"bye\n")), result)
result = web.exec_run("cat /etc/hostname")
check("exec_run of a built-in", tuple(result) == (0, (web.attrs["Config"]["Hostname"] + "\n").encode()), result)
result = web.exec_run("nosuchcommand")
check("exec_run of an unscripted command: the engine's error and 126 (API 1.47: Docker 27)",
      result.exit_code == 126 and result.output ==
      b'OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuchcommand": '
      b'executable file not found in $PATH: unknown\r\n', result)
control("containers/web/exec", data='{"Cmd": ["cat", "/etc/motd"], "Stdout": "changed\\n", "ExitCode": 1}')
result = web.exec_run(["cat", "/etc/motd"])
check("exec scripted through /_fake/ for this container", tuple(result) == (1, b"changed\n"), result)
many = [tuple(web.exec_run(["cat", "/etc/motd"])) for _ in range(20)]
check("20 exec_runs in a row each get their whole output", all(r == (1, b"changed\n") for r in many), many)

# --- logs ---
check("logs: the scripted lines of both streams", web.logs() == b"starting\nno config\nlistening on :80\n", web.logs())
check("logs(stderr=False)", web.logs(stderr=False) == b"starting\nlistening on :80\n", web.logs(stderr=False))
check("logs(tail=2)", web.logs(tail=2) == b"no config\nlistening on :80\n", web.logs(tail=2))
stamped = web.logs(timestamps=True, tail=1).decode()
check("logs(timestamps=True): RFC 3339 with nine fraction digits",
      len(stamped) > 31 and stamped[10] == "T" and stamped[29:31] == "Z " and stamped.endswith(" listening on :80\n"),
      stamped)

followed = []


def follow():
    for chunk in web.logs(stream=True, follow=True):
        followed.append(chunk)


reader = threading.Thread(target=follow, daemon=True)
reader.start()
control("containers/web/logs?stream=stdout", data="GET / 200\nGET /x 404")
deadline = time.time() + 10
while time.time() < deadline and len(followed) < 5:
    time.sleep(0.01)
check("logs(stream=True, follow=True) carries new lines", followed[3:] == [b"GET / 200\n", b"GET /x 404\n"], followed)
web.stop(timeout=1)
reader.join(10)
check("following ends when the container stops", not reader.is_alive())

# --- run without detach: attach, start, wait, and the output ---
result = {}


def run_attached():
    try:
        result["output"] = client.containers.run("scripted", name="attached")
    except Exception as e:  # an exit code other than 0 raises ContainerError
        result["error"] = e


runner = threading.Thread(target=run_attached, daemon=True)
runner.start()
deadline = time.time() + 10
while time.time() < deadline:
    running = [c for c in client.containers.list() if c.name == "attached"]
    if running:
        break
    time.sleep(0.01)
control("containers/attached/exit?code=0")
runner.join(10)
check("run without detach returns the container's output",
      result.get("output") == b"starting\nlistening on :80\n", result)

print("%d failed" % len(failures) if failures else "all passed")
sys.exit(1 if failures else 0)
