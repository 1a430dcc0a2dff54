# Loads each document of a JSON list of YAML texts with PyYAML (what docker-compose 1.29.2
# reads compose files with) and prints, per document, {"ok", "value"} or {"ok": false, "error"}.
import json, sys, yaml
docs = json.load(open(sys.argv[1]))
out = []
for d in docs:
    try:
        v = yaml.safe_load(d)
        out.append({"ok": True, "value": json.loads(json.dumps(v, default=lambda o: {"__nonjson__": str(o)}))})
    except Exception as e:
        out.append({"ok": False, "error": str(e).splitlines()[0] if str(e) else type(e).__name__})
json.dump(out, sys.stdout)
