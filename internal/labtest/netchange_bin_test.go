package labtest

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/netlab"
)

// stderrLines keeps a process's stderr lines with the time each arrived.
type stderrLines struct {
	mu    sync.Mutex // guards lines
	lines []timedLine
}

type timedLine struct {
	at   time.Time
	text string
}

// waitLine waits for a line after since that contains want.
func (s *stderrLines) waitLine(t *testing.T, want string, since time.Time, timeout time.Duration) (string, time.Time) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		for _, l := range s.lines {
			if text := l.text; strings.Contains(text, want) && !l.at.Before(since) {
				s.mu.Unlock()
				return text, l.at
			}
		}
		s.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no line %q within %s; stderr:\n%s", want, timeout, s.dump())
	return "", time.Time{}
}

func (s *stderrLines) dump() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for _, l := range s.lines {
		b.WriteString(l.at.Format("15:04:05.000 ") + l.text + "\n")
	}
	return b.String()
}

// TestLabNetworkChangeBinary is the end-to-end test with the real
// binary: `sshdash connect -N` to the lab's sshd with ServerAliveInterval
// 10 × 3. An address added on the client's interface while the link works
// probes it and keeps it; with the router blackholed, the next address
// change has it dropped, "network changed", in under a second (its
// heartbeat alone: 40 s), and it reconnects once the router forwards again.
func TestLabNetworkChangeBinary(t *testing.T) {
	lab := netlab.Enter(t, netlab.Options{NATTimeout: 60 * time.Second})
	if lab == nil {
		return
	}
	watchdog(t, 4*time.Minute)
	dir := t.TempDir()
	bin := filepath.Join(dir, "sshdash")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/sshdash").CombinedOutput(); err != nil {
		t.Fatalf("build sshdash: %v\n%s", err, out)
	}
	cfgText, err := os.ReadFile(lab.SSHConfig)
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "ssh_config")
	if err := os.WriteFile(cfg, append(cfgText, "  ServerAliveInterval 10\n  ServerAliveCountMax 3\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "connect", "-N", "-F", cfg, "lab")
	// A home of its own: no settings file or log of the user's is read or
	// written.
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "XDG_STATE_HOME="+filepath.Join(dir, "state"))
	stderr, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var out stderrLines
	read := make(chan struct{})
	go func() {
		defer close(read)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			out.mu.Lock()
			out.lines = append(out.lines, timedLine{time.Now(), sc.Text()})
			out.mu.Unlock()
		}
	}()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		exited := make(chan error, 1)
		go func() { <-read; exited <- cmd.Wait() }()
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			t.Errorf("sshdash connect -N did not end on SIGINT; stderr:\n%s", out.dump())
		}
	}()
	out.waitLine(t, "lab: connected", time.Time{}, 30*time.Second)

	dev := "c0" + strings.TrimPrefix(lab.Client, "sdc")
	addAddr := func(addr string) {
		t.Helper()
		if o, err := exec.Command("ip", "addr", "add", addr, "dev", dev).CombinedOutput(); err != nil {
			t.Fatalf("ip addr add %s dev %s: %v\n%s", addr, dev, err, o)
		}
	}

	// A live link is probed and kept.
	before := time.Now()
	addAddr("198.18.1.10/24")
	out.waitLine(t, "network changed: checking the link now", before, 5*time.Second)
	time.Sleep(2 * time.Second) // longer than the probe waits
	out.mu.Lock()
	for _, l := range out.lines {
		if !l.at.Before(before) && strings.Contains(l.text, "dropped") {
			out.mu.Unlock()
			t.Fatalf("a live link was dropped by the probe:\n%s", out.dump())
		}
	}
	out.mu.Unlock()

	// A dead link is found at once.
	lab.Blackhole(t)
	unblocked := false
	defer func() {
		if !unblocked {
			lab.Unblackhole(t)
		}
	}()
	changed := time.Now()
	addAddr("198.18.1.11/24")
	line, at := out.waitLine(t, "dropped:", changed, 10*time.Second)
	t.Logf("%s after the address change: %s", at.Sub(changed), line)
	if d := at.Sub(changed); d >= time.Second {
		t.Errorf("dead link found %s after the address change, want under 1 s (heartbeat alone: 40 s)", d)
	}
	if !strings.Contains(line, "[network changed]") {
		t.Errorf("the drop does not name its cause: %q", line)
	}
	lab.Unblackhole(t)
	unblocked = true
	out.waitLine(t, "lab: reconnected", changed, 20*time.Second)
}
