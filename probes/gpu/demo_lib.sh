# Shared by the device demos that run a job's real bad setting and paste its whole output into
# `vigil diagnose --log` (launch_env_demo.sh, version_env_demo.sh). Source it after setting
# `prefix` (the output files are $out/${prefix}_TAG.txt); it sets dev, out, here, host, ngpu, run
# and summary, and defines `diagnose TAG EXPECTED SOURCE`.
dev=${1:-.device}
out=${OUT:-/tmp/vigil-out}
mkdir -p "$out"
export NCCL_NVLS_ENABLE=0
export LD_LIBRARY_PATH="$dev/lib:$dev/minlib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
here=$(dirname "$0")
host=$(hostname)
ngpu=$(nvidia-smi -L | grep -c "^GPU")
run="python3 -m torch.distributed.run"
summary=""
diagnose() {  # tag expected source
  local tag=$1 expected=$2 source=$3
  local job="$out/${prefix}_$tag.txt" answer="$out/${prefix}_${tag}_diagnosis.txt"
  echo "== $tag: the job's output"
  grep -E "Error|error|WARN|failed|Timeout" "$job" | grep -v "^  File" | head -8
  "$dev/vigil" --data-dir "$(mktemp -d)" --log-level warn diagnose --log "$job" --log-source "$source" > "$answer" 2>&1
  echo "diagnose rc=$?"; sed -n '2,4p;6,9p' "$answer"
  summary+="$tag: expected $expected, answered $(sed -n 's/^root_cause: *//p' "$answer") ($(sed -n 's/^confidence: *//p' "$answer"))"$'\n'
}
