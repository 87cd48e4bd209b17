package labtest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/netlab"
	"github.com/sshdash/sshdash/internal/testenv"
	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/session"
)

// Lab benchmarks print figures side by side with what a user would
// otherwise use (OpenSSH's ServerAlive, autossh); they assert nothing about
// speed. Each runs once inside the lab:
//
//	sudo SSHDASH_INTEGRATION=1 go test -run '^$' -bench Lab -benchtime 1x ./internal/labtest/

const benchRuns = 3

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// sshCmd starts OpenSSH against the lab with extra options.
func sshCmd(lab *netlab.Lab, opts []string, remote string) *exec.Cmd {
	args := append([]string{"-F", lab.SSHConfig}, opts...)
	args = append(args, "lab", remote)
	return exec.Command("ssh", args...)
}

// BenchmarkLabHeartbeatWire: bytes and packets on the wire per heartbeat
// exchange of an idle session, sshdash probe vs OpenSSH ServerAlive, both
// with a 1 s interval, measured by the router's counters over 20 s.
func BenchmarkLabHeartbeatWire(b *testing.B) {
	lab := netlab.Enter(b, netlab.Options{NATTimeout: 60 * time.Second})
	if lab == nil {
		return
	}
	const window = 20 * time.Second
	hb := keepalive.Settings{Mode: keepalive.ModeProbe, Interval: time.Second, Count: 3}

	_, s, _ := labSession(b, lab, hb, session.ReattachNone)
	time.Sleep(2 * time.Second)
	sent0 := s.Status().Heartbeat.Sent
	lab.ResetCounters(b)
	time.Sleep(window)
	pk, by := lab.Counters(b)
	beats := s.Status().Heartbeat.Sent - sent0
	b.Logf("sshdash probe: %d heartbeats in %s: %d packets, %d bytes on the wire → %.1f packets, %.0f B per exchange (SSH payload %d B)",
		beats, window, pk, by, float64(pk)/float64(beats), float64(by)/float64(beats), keepalive.ExchangeBytes)
	b.ReportMetric(float64(by)/float64(beats), "sshdash-wire-B/beat")

	cmd := sshCmd(lab, []string{"-o", "ServerAliveInterval=1", "-o", "ServerAliveCountMax=3"}, "sleep 60")
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	time.Sleep(3 * time.Second)
	lab.ResetCounters(b)
	time.Sleep(window)
	pk2, by2 := lab.Counters(b)
	obeats := float64(window / time.Second) // one exchange per silent interval
	b.Logf("OpenSSH ServerAlive: ~%.0f exchanges in %s: %d packets, %d bytes → %.1f packets, %.0f B per exchange",
		obeats, window, pk2, by2, float64(pk2)/obeats, float64(by2)/obeats)
	b.ReportMetric(float64(by2)/obeats, "openssh-wire-B/beat")
	b.Logf("idle heartbeats per hour at the default 15 s interval: %d (one per silent interval)", int(time.Hour/keepalive.DefaultInterval))
}

// BenchmarkLabDeadLinkDetection: time from a silent blackhole to the link
// being declared dead, sshdash vs OpenSSH ServerAlive, interval 2 s, count 2.
func BenchmarkLabDeadLinkDetection(b *testing.B) {
	lab := netlab.Enter(b, netlab.Options{NATTimeout: 60 * time.Second})
	if lab == nil {
		return
	}
	hb := keepalive.Settings{Mode: keepalive.ModeProbe, Interval: 2 * time.Second, Count: 2}
	var ours, theirs []time.Duration
	for range benchRuns {
		// Both tools are cut 3 s after connecting, so the phase of their
		// heartbeat timers relative to the cut is the same.
		_, s, rec := labSession(b, lab, hb, session.ReattachAuto)
		time.Sleep(3 * time.Second)
		lab.Blackhole(b)
		cut := time.Now()
		dead := rec.waitState(b, session.Dropped, cut, 20*time.Second)
		ours = append(ours, dead.Sub(cut))
		lab.Unblackhole(b)
		s.Close()

		cmd := sshCmd(lab, []string{"-o", "ServerAliveInterval=2", "-o", "ServerAliveCountMax=2"}, "sleep 600")
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		time.Sleep(3 * time.Second)
		lab.Blackhole(b)
		cut = time.Now()
		cmd.Wait()
		theirs = append(theirs, time.Since(cut))
		lab.Unblackhole(b)
		time.Sleep(500 * time.Millisecond)
	}
	b.Logf("dead-link detection, interval 2 s × count 2 (at most 6 s after the last contact): sshdash median %s %v; OpenSSH median %s %v",
		median(ours), ours, median(theirs), theirs)
	b.ReportMetric(median(ours).Seconds(), "sshdash-detect-s")
	b.ReportMetric(median(theirs).Seconds(), "openssh-detect-s")
}

// BenchmarkLabRestoreToUsable: time from the network coming back after a
// 10 s blackhole to a usable shell — sshdash (reattached: the same shell)
// vs autossh -M 0 with the same ServerAlive interval and count (a fresh
// shell).
func BenchmarkLabRestoreToUsable(b *testing.B) {
	lab := netlab.Enter(b, netlab.Options{NATTimeout: 60 * time.Second})
	if lab == nil {
		return
	}
	testenv.Need(b, "autossh")
	hb := keepalive.Settings{Mode: keepalive.ModeProbe, Interval: 2 * time.Second, Count: 2}
	dir := b.TempDir()
	var ours, theirs []time.Duration
	for i := range benchRuns {
		// sshdash: usable = a command typed after the restore has run.
		_, s, rec := labSession(b, lab, hb, session.ReattachAuto)
		lab.Blackhole(b)
		rec.waitState(b, session.Dropped, time.Now(), 20*time.Second)
		time.Sleep(10 * time.Second)
		lab.Unblackhole(b)
		restored := time.Now()
		rec.waitState(b, session.Up, restored, 30*time.Second)
		mark := filepath.Join(dir, fmt.Sprintf("ours%d", i))
		s.Write([]byte("date +%s.%N > " + mark + "\r"))
		ours = append(ours, fileTime(b, mark).Sub(restored))
		s.Close()

		// autossh: usable = its new ssh has run the remote command again.
		amark := filepath.Join(dir, fmt.Sprintf("autossh%d", i))
		cmd := exec.Command("autossh", "-M", "0", "-F", lab.SSHConfig, "-o", "ServerAliveInterval=2", "-o", "ServerAliveCountMax=2", "-o", "ConnectTimeout=2",
			"lab", "date +%s.%N > "+amark+"; sleep 600")
		cmd.Env = append(os.Environ(), "AUTOSSH_GATETIME=0", "AUTOSSH_POLL=1")
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		fileTime(b, amark)
		os.Remove(amark)
		lab.Blackhole(b)
		time.Sleep(10 * time.Second)
		lab.Unblackhole(b)
		restored = time.Now()
		theirs = append(theirs, fileTime(b, amark).Sub(restored))
		cmd.Process.Kill()
		cmd.Wait()
	}
	b.Logf("restore to usable after a 10 s blackhole: sshdash median %s %v (same shell, reattached); autossh -M 0 median %s %v (fresh shell)",
		median(ours), ours, median(theirs), theirs)
	b.ReportMetric(median(ours).Seconds(), "sshdash-restore-s")
	b.ReportMetric(median(theirs).Seconds(), "autossh-restore-s")
}

// fileTime waits for path and returns the time written in it by date +%s.%N.
func fileTime(b testing.TB, path string) time.Time {
	b.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if f, err := os.Open(path); err == nil {
			line, _ := bufio.NewReader(f).ReadString('\n')
			f.Close()
			if v, err := strconv.ParseFloat(strings.TrimSpace(line), 64); err == nil {
				return time.Unix(0, int64(v*1e9))
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.Fatalf("%s was never written", path)
	return time.Time{}
}
