#!/usr/bin/env bash
# The command line on a real scheduler: a one-node SLURM cluster on this machine (munge, slurmctld, slurmd, all
# in a scratch folder, on their own ports), an `sbatch --array` job that runs `lesionlens run` over a generated
# BIDS dataset (one shard per task), then `lesionlens report`, and checks of what they wrote. It stops the daemons
# it started, whatever happens. Installs slurm-wlm and munge from Debian when missing (needs root, as CI has;
# without root it says so and skips: slurmd has to be root).
#   scripts/slurm-e2e.sh [--subjects 3] [--keep]      (--keep: leave the scratch folder for a look)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
subjects=3
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --subjects) subjects=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "usage: scripts/slurm-e2e.sh [--subjects N] [--keep]" >&2; exit 2 ;;
  esac
done
t_start=$(date +%s)

if [ "$(id -u)" != 0 ]; then
  # slurmd starts jobs as their users: it has to be root (a site's cluster is run by its admins, not by this test)
  echo "slurm e2e: skipped: the one-node cluster needs root (slurmd), and this is $(id -un); CI runs it as root"
  exit 0
fi
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  echo "Installing from apt: slurm-wlm munge"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

work=$(mktemp -d /tmp/lesionlens-slurm.XXXXXX)
chmod 700 "$work"
mkdir -p "$work"/{state,spool,logs}
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  if [ "$keep" = 1 ]; then echo "scratch folder kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# munge: our own key and socket, so a machine's own munge (if any) is left alone
head -c 1024 /dev/urandom >"$work/munge.key"
chmod 400 "$work/munge.key"
munged --force --key-file="$work/munge.key" --socket="$work/munge.sock" --pid-file="$work/munged.pid" \
  --log-file="$work/munged.log" --seed-file="$work/munged.seed"
for _ in $(seq 50); do [ -f "$work/munged.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$work/munged.pid")")

node=$(hostname -s)
# free ports, so that a cluster already on this machine is not disturbed
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ctld_port=$(port)
d_port=$(port)
cat >"$work/slurm.conf" <<EOF
ClusterName=lesionlens-e2e
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge.sock
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=cpu Nodes=ALL Default=YES MaxTime=60 State=UP
EOF
export SLURM_CONF="$work/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF" -N "$node"
for _ in $(seq 50); do [ -f "$work/slurmctld.pid" ] && [ -f "$work/slurmd.pid" ] && break; sleep 0.2; done
pids+=("$(cat "$work/slurmctld.pid")" "$(cat "$work/slurmd.pid")")
ready=0
for _ in $(seq 100); do
  if sinfo -h -N -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then ready=1; break; fi
  sleep 0.3
done
if [ "$ready" != 1 ]; then
  echo "FAIL: the one-node cluster did not come up"; sinfo -N -l || true; tail -20 "$work/slurmctld.log" "$work/slurmd.log" || true; exit 1
fi
echo "cluster up: $(sinfo -h -o '%P %D node(s) %c CPUs %T') (SLURM $(sinfo -V | cut -d' ' -f2))"

npx tsx scripts/make-bids.ts --out "$work/bids" --subjects "$subjects" --seed slurm-e2e
out="$work/derivatives/lesionlens"
tasks=$subjects
cat >"$work/job.sh" <<EOF
#!/usr/bin/env bash
#SBATCH --job-name=lesionlens
#SBATCH --array=0-$((tasks - 1))
#SBATCH --cpus-per-task=1
#SBATCH --output=$work/logs/task_%A_%a.out
#SBATCH --time=20
set -euo pipefail
cd "$repo"
node bin/lesionlens.mjs run "$work/bids" "$out" participant --explain 2 --samples 4 --backend auto
EOF
t_job=$(date +%s)
sbatch --wait "$work/job.sh"
job_seconds=$(( $(date +%s) - t_job ))
echo "--- the array job's tasks ($job_seconds s in all) ---"
for f in "$work"/logs/task_*.out; do echo "# $(basename "$f")"; grep -E 'shard|: (done|skipped|failed)|summary' "$f" || cat "$f"; done

node bin/lesionlens.mjs report "$out" | tee "$work/report.log"

# ---- checks ----
fail=0
check() { if eval "$1"; then echo "ok: $2"; else echo "FAIL: $2"; fail=1; fi; }
shards=$(ls "$out"/logs/summary_shard-*of"$tasks".tsv 2>/dev/null | wc -l)
check "[ $shards -eq $tasks ]" "each of the $tasks array tasks wrote its summary ($shards)"
done_count=$(cat "$out"/logs/summary_shard-*.tsv | awk -F'\t' '$4 == "done"' | wc -l)
check "[ $done_count -eq $subjects ]" "$subjects scans done, once each ($done_count)"
for n in $(seq -f '%02g' 1 "$subjects"); do
  check "[ -s $out/sub-$n/anat/sub-${n}_desc-lesions_dseg.json ] && [ -s $out/sub-$n/anat/sub-${n}_desc-lesions_dseg.nii.gz ] && [ -s $out/sub-$n/anat/sub-${n}_desc-lesions_stats.tsv ]" "sub-$n: label map, table and sidecar"
  check "ls $out/sub-$n/anat/ | grep -q 'smoothgradmeanFLAIR_saliency.nii.gz'" "sub-$n: saliency maps"
done
check "[ -z \"\$(find $out -name '*.lock' -o -name '*.partial-*')\" ]" "no lock or partial file left"
check "grep -q 'Detection' $out/report/statistics.tsv && grep -q 'Mann-Whitney\\|FLAIR share' $out/report/statistics.tsv" "report statistics"
check "grep -q '<svg' $out/report/report.html" "report HTML with its plots"
check "grep -q 'slurm-e2e-1' $work/bids/participants.tsv" "dataset made by the generator"
echo "--- report statistics ---"
column -t -s $'\t' "$out/report/statistics.tsv" | head -40
echo "slurm e2e: $subjects subjects, $tasks array tasks, job $job_seconds s, all $(( $(date +%s) - t_start )) s"
if [ "$fail" != 0 ]; then echo "slurm e2e: FAILED"; exit 1; fi
echo "slurm e2e: passed"
