#!/usr/bin/env bash
# A throw-away one-node Slurm cluster for tests and trials, everything under one directory:
#   scripts/slurm-local.sh start DIR [PORT]   starts munged, slurmctld and slurmd; prints
#                                              "export SLURM_CONF=DIR/etc/slurm.conf"
#   scripts/slurm-local.sh stop DIR           stops them by their pid files and removes DIR
# Needs Debian's slurmctld, slurmd, slurm-client and munge (.ci/run installs them) and root.
# PORT (default 6817) is the controller's; slurmd takes PORT + 1, so two suites can run at once.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2; }

stop_pid() { # stop a daemon by its pid file, wait until it is gone (a zombie counts as gone)
  local file=$1 pid state
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 150); do
    state=$(ps -o stat= -p "$pid" 2>/dev/null || true)
    [ -z "$state" ] || [[ "$state" == Z* ]] && return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
}

case "$cmd" in
start)
  port=${3:-6817}
  for tool in munged slurmctld slurmd sinfo; do
    command -v "$tool" >/dev/null || {
      echo "$0: expected $tool on PATH (apt-get install slurmctld slurmd slurm-client munge), got none" >&2
      exit 1
    }
  done
  mkdir -p "$dir"/{etc,munge,state,spool,log,run}
  dir=$(cd "$dir" && pwd)
  # munged insists that every directory above its socket is searchable and its key private.
  chmod 755 "$dir" "$dir"/munge
  d=$dir
  while [ "$d" != / ]; do chmod a+x "$d"; d=$(dirname "$d"); done
  head -c 64 /dev/urandom > "$dir/munge/munge.key"
  chmod 400 "$dir/munge/munge.key"
  munged --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.sock" \
    --pid-file="$dir/run/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/seed"
  node=localhost
  cat > "$dir/etc/slurm.conf" <<EOF
ClusterName=gatescope-local
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.sock
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.log
SlurmctldTimeout=10
SlurmdTimeout=10
MessageTimeout=10
KillWait=2
SchedulerParameters=batch_sched_delay=0
MinJobAge=300
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF="$dir/etc/slurm.conf"
  slurmctld
  # A client started before the controller listens blocks for seconds retrying.
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  slurmd -N "$node"
  for _ in $(seq 1 150); do
    [ "$(sinfo -h -n "$node" -o %T 2>/dev/null)" = idle ] && { echo "export SLURM_CONF=$SLURM_CONF"; exit 0; }
    sleep 0.1
  done
  echo "$0: the node did not become idle within 15 s; see $dir/log/" >&2
  exit 1
  ;;
stop)
  [ -d "$dir" ] || exit 0
  stop_pid "$dir/run/slurmd.pid"
  stop_pid "$dir/run/slurmctld.pid"
  stop_pid "$dir/run/munged.pid"
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop DIR [PORT]" >&2
  exit 2
  ;;
esac
