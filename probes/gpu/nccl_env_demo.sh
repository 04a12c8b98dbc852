#!/usr/bin/env bash
# A job's bad NCCL setting on the real stack (a device call; probes/HISTORY.md): a PyTorch job started
# with NCCL_SOCKET_IFNAME naming an interface the host lacks fails NCCL's bootstrap; vigil-probe's
# nccl.allreduce is then run twice, with the default NCCL environment (it passes: the fabric is fine)
# and with the job's setting (it fails as the job did). The job's real output and each probe result
# make a case for `vigil diagnose --case`: the default-environment pass must not count against
# nccl_network_misconfig (agents/job_nccl_env.h), the job-environment failure supports it.
# Then more of a job's bad settings, each a real run whose output goes to `vigil diagnose --log` as an
# on-call engineer would paste it, with the category an engineer would name:
#   NCCL_NET=IB on a host without an RDMA device   -> nccl_network_misconfig
#   NCCL_IB_HCA naming no HCA, NCCL_NET=IB         -> nccl_network_misconfig
#   CUDA_VISIBLE_DEVICES naming a GPU that is not there -> launch_config_error
# Nothing here changes a GPU setting.
#   bash probes/gpu/nccl_env_demo.sh .device
# Writes $OUT/ncclenv_*.{txt,json}.
set -u
dev=${1:-.device}
out=${OUT:-/tmp/vigil-out}
mkdir -p "$out"
export NCCL_NVLS_ENABLE=0
export LD_LIBRARY_PATH="$dev/lib:$dev/minlib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
here=$(dirname "$0")
host=$(hostname)
ngpu=$(nvidia-smi -L | grep -c "^GPU")
nproc=$((ngpu > 1 ? 2 : 1))
bad=vigil_nosuch0
one_rank=$([ "$ngpu" -lt 2 ] && echo --test-nccl-one-rank)
echo "== job with NCCL_SOCKET_IFNAME=$bad ($nproc ranks, $ngpu GPUs)"
NCCL_DEBUG=INFO NCCL_SOCKET_IFNAME=$bad timeout 180 python3 -m torch.distributed.run --nproc_per_node=$nproc \
  --master_port=29541 "$here/real_errors.py" all-reduce > "$out/ncclenv_job.txt" 2>&1
echo "job rc=$?"; grep -E "NCCL (WARN|INFO NCCL_)|Error|error" "$out/ncclenv_job.txt" | head -12
echo "== vigil-probe nccl.allreduce, default NCCL environment"
"$dev/vigil-probe" --probes nccl.allreduce --allow-intrusive $one_rank > "$out/ncclenv_probe_default.json" 2> "$out/ncclenv_probe_default.err"
echo "rc=$?"
echo "== vigil-probe nccl.allreduce, the job's NCCL_SOCKET_IFNAME=$bad"
NCCL_SOCKET_IFNAME=$bad "$dev/vigil-probe" --probes nccl.allreduce --allow-intrusive $one_rank > "$out/ncclenv_probe_jobenv.json" 2> "$out/ncclenv_probe_jobenv.err"
echo "rc=$?"
for which in default jobenv; do
  python3 - "$out" "$which" "$host" <<'PY'
import json, sys
out, which, host = sys.argv[1:]
raw = open(f"{out}/ncclenv_probe_{which}.json").read()
try:
    res = json.loads(raw)["results"][0]
except Exception as e:
    print(which, "probe output not read:", e, raw[:300]); sys.exit(0)
print(which, "probe:", res["status"], res.get("reason", "")[:200], "nccl_env:", json.dumps((res.get("details") or {}).get("nccl_env")))
res["target"] = host
lines = [l.rstrip("\n") for l in open(f"{out}/ncclenv_job.txt", errors="replace")][-400:]
case = {"id": f"ncclenv-{which}", "alert": None, "metrics": [],
        "topology": {"nodes": [host], "gpus_per_node": 8, "timezone": "UTC"},
        "logs": [{"source": f"{host}/job/stderr", "lines": lines}],
        "probes": {f"nccl.allreduce@{host}": res}}
json.dump(case, open(f"{out}/ncclenv_case_{which}.json", "w"), indent=1)
PY
  "$dev/vigil" --data-dir "$(mktemp -d)" --log-level warn diagnose --case "$out/ncclenv_case_$which.json" \
    > "$out/ncclenv_diagnosis_$which.txt" 2>&1
  echo "== diagnosis, $which probe: rc=$?"; sed -n '1,12p' "$out/ncclenv_diagnosis_$which.txt"
  grep -A1 "probe nccl.allreduce" "$out/ncclenv_diagnosis_$which.txt" | head -4
done

# More bad settings, each diagnosed from its pasted output (`vigil diagnose --log`).
summary=""
bad_setting() {  # tag expected VAR=VALUE...
  local tag=$1 expected=$2; shift 2
  env NCCL_DEBUG=INFO "$@" timeout 180 python3 -m torch.distributed.run --nproc_per_node=$nproc \
    --master_port=$((29550 + RANDOM % 100)) "$here/real_errors.py" all-reduce > "$out/ncclenv_bad_$tag.txt" 2>&1
  local rc=$?
  echo "== $tag ($*): job rc=$rc"
  grep -E "NCCL WARN|Error|error:" "$out/ncclenv_bad_$tag.txt" | grep -v "^  File" | head -6
  "$dev/vigil" --data-dir "$(mktemp -d)" --log-level warn diagnose --log "$out/ncclenv_bad_$tag.txt" \
    --log-source "$host/job/stderr" > "$out/ncclenv_bad_${tag}_diagnosis.txt" 2>&1
  echo "diagnose rc=$?"; sed -n '2,4p;6,9p' "$out/ncclenv_bad_${tag}_diagnosis.txt"
  local got
  got=$(sed -n 's/^root_cause: *//p' "$out/ncclenv_bad_${tag}_diagnosis.txt")
  summary+="$tag: expected $expected, answered $got ($(sed -n 's/^confidence: *//p' "$out/ncclenv_bad_${tag}_diagnosis.txt"))"$'\n'
}
bad_setting socket_ifname nccl_network_misconfig NCCL_SOCKET_IFNAME=$bad
bad_setting net_ib nccl_network_misconfig NCCL_NET=IB
bad_setting ib_hca nccl_network_misconfig NCCL_NET=IB NCCL_IB_HCA=mlx5_99
bad_setting visible_devices launch_config_error CUDA_VISIBLE_DEVICES=7
echo "== summary"; printf '%s' "$summary"
