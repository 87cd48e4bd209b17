#!/usr/bin/env bash
# Reproduces every figure in BENCHMARKS.md in one run, each side by side with
# what a user would otherwise use. Needs root, OpenSSH (ssh, sshd), tmux,
# iproute2, iptables, conntrack and autossh (as .ci/run installs). Results go
# to bench/results/<date>.txt (and the terminal).
#
#   sudo bash bench/run.sh            # all
#   sudo bash bench/run.sh lab        # only the network-lab comparisons
#   sudo bash bench/run.sh start      # only start-up
#   sudo bash bench/run.sh many       # only the many-sessions comparison
#   sudo bash bench/run.sh dash       # only the whole dashboard with many sessions
#   sudo bash bench/run.sh heavy      # only its heavy-output phase, 20 sessions
#   SSHDASH_BENCH_SESSIONS=200 sudo -E bash bench/run.sh many   # smaller
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
export SSHDASH_INTEGRATION=1
mkdir -p bench/results
out="bench/results/$(date +%Y%m%d-%H%M%S).txt"
what=${1:-all}

{
  echo "# sshdash benchmarks, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "# machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), $(go version | cut -d' ' -f3)"
  echo "# $(ssh -V 2>&1), $(tmux -V), autossh $(autossh -V 2>&1 | awk '{print $2}')"
  run() { echo; echo "## $*"; go test -run '^$' "$@" 2>&1 | grep -Ev '^(goos|goarch|pkg|cpu|PASS|ok )' ; }
  if [ "$what" = all ] || [ "$what" = lab ]; then
    # Bytes per heartbeat vs OpenSSH ServerAlive; dead-link detection vs
    # OpenSSH; restore-to-usable vs autossh -M 0 (3 runs each, medians).
    run -bench 'Lab[^K]' -benchtime 1x -timeout 30m ./internal/labtest/
    # Keystroke echo across the lab link: sshdash connect vs ssh -tt, both
    # in a PTY, reattach off and tmux, 500 keys each in interleaved blocks
    # (SSHDASH_BENCH_ECHO), p50/p99 and the load average.
    run -v -bench LabKeystrokeEcho -benchtime 1x -timeout 30m ./internal/labtest/
  fi
  if [ "$what" = all ] || [ "$what" = start ]; then
    # Whole-process start-up beside OpenSSH, median of interleaved pairs
    # (SSHDASH_BENCH_PAIRS, default 21): --version vs ssh -V, list on 3
    # hosts vs ssh -G, list on 5,000 hosts in 10 Includes vs one ssh -G;
    # and what the dashboard's guard process costs; the first dashboard
    # frame naming a host at 5,000 hosts vs 3 (whole process in a PTY).
    run -v -bench 'Startup|FirstFrame$' -benchtime 1x ./cmd/sshdash/
  fi
  if [ "$what" = all ] || [ "$what" = many ]; then
    # N sessions (SSHDASH_BENCH_SESSIONS, default 1,000) to one sshd from
    # one Manager beside N parallel ssh -N: all up, idle CPU at heartbeat
    # 5 s, memory per session, quit.
    run -v -bench 'ManySessions' -benchtime 1x -timeout 30m ./session/
  fi
  if [ "$what" = all ] || [ "$what" = dash ]; then
    # An open dashboard with nothing happening (3 and 203 hosts, no
    # session): CPU and sleeps per second of the whole process, beside a Go
    # program that only runs a 60 Hz ticker (Bubble Tea's renderer's frame
    # tick, which the dashboard no longer runs).
    run -v -bench 'DashboardIdle' -benchtime 1x ./cmd/sshdash/
    # The real dashboard (guard + child in a 120x40 PTY) with N shells
    # (SSHDASH_BENCH_SESSIONS, default 1,000) to one sshd, reattach off,
    # heartbeat 5 s: all up; idle CPU in the same 20 s as N parallel
    # ssh -N; memory per session; key-to-screen and key-to-echo p50/p99;
    # the same with one session streaming base64 in the background, with
    # the CPU for the stream beside ssh's; quit. SSHDASH_BENCH_QUIT_ONLY=1
    # opens all, starts the stream and quits (the quit alone, in a minute);
    # SSHDASH_BENCH_LOG=FILE keeps the dashboard's debug log of the quit.
    run -v -bench 'DashboardManySessions' -benchtime 1x -timeout 60m ./cmd/sshdash/
  fi
  if [ "$what" = heavy ]; then
    # One session streaming base64 in the preview of a dashboard with 20
    # sessions (SSHDASH_BENCH_SESSIONS), the CPU for the stream beside ssh's
    # (three runs: the figure swings with the machine's load); the
    # emulator's share in-process.
    for _ in 1 2 3; do
      SSHDASH_BENCH_ONLY_HEAVY=1 SSHDASH_BENCH_SESSIONS=${SSHDASH_BENCH_SESSIONS:-20} \
        run -v -bench 'DashboardManySessions' -benchtime 1x -timeout 20m ./cmd/sshdash/
    done
    run -bench 'Stream' -benchmem -count 3 ./session/vt/
  fi
  if [ "$what" = all ]; then
    # Keystroke echo latency and bulk throughput (zeros and text lines, with
    # the client's CPU per MB): the session layer, the real binary through a
    # PTY, and OpenSSH ssh through a PTY, same sshd.
    run -bench KeystrokeEcho -benchtime 500x -count 3 ./session/
    run -bench 'BulkOutput|BulkText' -benchtime 5x -count 3 ./session/
    # The reattach wrapper from exec to its marker, per tmux (system, 3.0a,
    # 2.6), on a host without and with sshdash's private tmux server.
    run -bench WrapperToMarker -benchtime 10x -count 3 ./session/
    # Memory and CPU of 100 idle sessions beside idle ssh processes.
    run -v -bench IdleSessions -benchtime 1x ./session/
    # Listing 5,000 hosts over 10 included files vs one ssh -G call.
    run -bench 'List|SSHG' -count 3 ./config/
    # Heartbeat exchange cost in-process; dashboard View with 100 sessions;
    # emulator throughput.
    run -bench HeartbeatExchange -count 3 ./keepalive/
    run -bench 'View100|HeartbeatStorm' -count 3 ./ui/
    run -bench . -count 3 ./session/vt/
  fi
} | tee "$out"
echo "results: $out"
