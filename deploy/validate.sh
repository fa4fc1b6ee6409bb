#!/usr/bin/env bash
# Validates everything in deploy/ offline, without a container engine or a cluster:
#   - compose.yaml against the Compose Specification schema (check-jsonschema's copy),
#     and with `docker compose config` where the compose plugin is installed;
#   - the Kubernetes manifests against the API schemas of the oldest and newest
#     Kubernetes they are written for (kubernetes-validate, strict: unknown fields fail);
#   - grafana/porthole.json: parses, layout, every query is PromQL over the series the
#     server exports (validate_dashboard.py), and those names are in server/src/metrics.rs;
#   - haproxy.cfg with `haproxy -c` where HAProxy is installed;
#   - cross-file facts: the load balancer's servers are the compose replicas and its
#     address is the replicas' trusted proxy; kustomization.yaml lists every manifest;
#     the scrape annotations name the serving port.
# The validators are pinned in requirements.txt and installed into deploy/.venv once.
set -euo pipefail
cd "$(dirname "$0")"

venv=.venv
if [ ! -x "$venv/bin/python" ] || ! cmp -s requirements.txt "$venv/requirements.txt"; then
  echo "validate: installing the validators into deploy/$venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r requirements.txt
  cp requirements.txt "$venv/requirements.txt"
fi
py="$venv/bin/python"

# Kubernetes versions: 1.30 is the oldest with the preStop sleep action on by default.
k8s_versions="1.30.0 1.37.0"
manifests=()
for file in k8s/*.yaml; do
  [ "$file" = k8s/kustomization.yaml ] || manifests+=("$file")
done

echo "validate: compose.yaml (Compose Specification schema)"
"$venv/bin/check-jsonschema" --builtin-schema vendor.compose-spec compose.yaml
if docker compose version >/dev/null 2>&1; then
  POSTGRES_PASSWORD=validate docker compose -f compose.yaml config -q
  echo "validate: compose.yaml (docker compose config) ok"
else
  echo "validate: docker compose plugin not installed; schema check only"
fi

for version in $k8s_versions; do
  echo "validate: Kubernetes manifests against $version (strict)"
  "$venv/bin/kubernetes-validate" --strict --quiet -k "$version" "${manifests[@]}"
done

echo "validate: grafana/porthole.json"
"$py" validate_dashboard.py grafana/porthole.json
names=$("$py" -c 'import validate_dashboard as v; print("\n".join(v.CONTRACT))')
for name in $names; do
  grep -q "\"$name\"" ../server/src/metrics.rs || { echo "validate: $name is not exported by server/src/metrics.rs" >&2; exit 1; }
done

if command -v haproxy >/dev/null; then
  echo "validate: haproxy.cfg"
  PORTHOLE_1=127.0.0.1:1 PORTHOLE_2=127.0.0.1:2 PORTHOLE_3=127.0.0.1:3 haproxy -c -q -f haproxy.cfg
else
  echo "validate: haproxy not installed; haproxy.cfg not checked"
fi

echo "validate: cross-file facts"
"$py" - <<'EOF'
import glob, os, re, sys
import yaml

problems = []
compose = yaml.safe_load(open("compose.yaml"))
services = compose["services"]
lb_servers = re.findall(r"^\s*server\s+(\S+)\s", open("haproxy.cfg").read(), re.M)
replicas = sorted(s for s in services if re.fullmatch(r"porthole-\d+", s))
if sorted(lb_servers) != replicas or len(replicas) < 3:
    problems.append(f"haproxy servers {lb_servers} are not the compose replicas {replicas}")
lb_ip = services["lb"]["networks"]["porthole"]["ipv4_address"]
for name in replicas + ["migrate"]:
    env = services[name]["environment"]
    if env.get("PORTHOLE_TRUSTED_PROXIES") != lb_ip:
        problems.append(f"{name}: PORTHOLE_TRUSTED_PROXIES is not the load balancer's {lb_ip}")
    for dep in services[name].get("depends_on", {}):
        if dep not in services:
            problems.append(f"{name} depends on unknown service {dep}")

listed = set(yaml.safe_load(open("k8s/kustomization.yaml"))["resources"])
files = {os.path.basename(f) for f in glob.glob("k8s/*.yaml")} - {"kustomization.yaml", "migrate-job.yaml"}
if listed != files:
    problems.append(f"kustomization.yaml lists {sorted(listed)}, the folder has {sorted(files)}")

deployment = yaml.safe_load(open("k8s/deployment.yaml"))
pod = deployment["spec"]["template"]
port = pod["spec"]["containers"][0]["ports"][0]["containerPort"]
notes = pod["metadata"]["annotations"]
if notes.get("prometheus.io/scrape") != "true" or notes.get("prometheus.io/port") != str(port) \
        or notes.get("prometheus.io/path") != "/metrics":
    problems.append(f"pod scrape annotations {notes} do not name /metrics on port {port}")
config = yaml.safe_load(open("k8s/configmap.yaml"))["data"]
if not config.get("PORTHOLE_LISTEN", "").endswith(f":{port}"):
    problems.append(f"PORTHOLE_LISTEN {config.get('PORTHOLE_LISTEN')} is not the container port {port}")
if config.get("PORTHOLE_METRICS") not in ("on",):
    problems.append("PORTHOLE_METRICS must be on for Prometheus in other pods to scrape")

for problem in problems:
    print(f"validate: {problem}", file=sys.stderr)
sys.exit(1 if problems else 0)
EOF

for script in image.sh check.sh validate.sh; do
  bash -n "$script"
done
if command -v shellcheck >/dev/null; then
  shellcheck image.sh check.sh validate.sh
fi
echo "validate: ok"
