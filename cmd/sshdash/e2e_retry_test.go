package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// closedPort returns a loopback port nobody listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// A first connection that cannot be made ends connect at once with ssh's
// message and status 255: a name that does not resolve, a closed port.
func TestEndToEndConnectFirstFailureExits255(t *testing.T) {
	needTmuxE2E(t)
	bin := buildBinary(t)
	port := closedPort(t)
	for _, tc := range []struct {
		name, dest, want string
	}{
		{"unresolvable", "nosuchhost.invalid", "sshdash: Could not resolve hostname nosuchhost.invalid: "},
		{"refused", fmt.Sprintf("127.0.0.1:%d", port), fmt.Sprintf("sshdash: connect to host 127.0.0.1 port %d: Connection refused", port)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := startConnect(t, bin, "-F /dev/null "+tc.dest)
			// ConnectTimeout is 30 s by default: exiting well within it
			// means no retry loop, whatever the resolver does.
			if got := c.waitExit(t, 30*time.Second); got != "SSHDASH-EXITED=255" {
				t.Fatalf("%s, want SSHDASH-EXITED=255; stderr:\n%s", got, c.errText())
			}
			if e := c.errText(); !strings.Contains(e, tc.want) || strings.Contains(e, "retrying") {
				t.Fatalf("stderr %q, want %q and no retry", e, tc.want)
			}
		})
	}
}

// connect -N keeps trying a closed port (it replaces autossh at boot),
// and a refused port is never reported as a timeout.
func TestEndToEndConnectTunnelsKeepTrying(t *testing.T) {
	needTmuxE2E(t)
	bin := buildBinary(t)
	port := closedPort(t)
	c := startConnect(t, bin, fmt.Sprintf("-N -F /dev/null 127.0.0.1:%d", port))
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(c.errText(), "attempts 1–3 failed") {
		if time.Now().After(deadline) {
			t.Fatalf("connect -N did not keep trying; stderr:\n%s", c.errText())
		}
		if strings.Contains(c.tm.screen(), "SSHDASH-EXITED") {
			t.Fatalf("connect -N exited; stderr:\n%s", c.errText())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if e := c.errText(); !strings.Contains(e, "connection refused") || strings.Contains(e, "timed out") {
		t.Fatalf("a refused port is not reported as refused:\n%s", e)
	}
	if strings.Contains(c.tm.screen(), "SSHDASH-EXITED") {
		t.Fatalf("connect -N exited; stderr:\n%s", c.errText())
	}
	// The pane's tmux server is killed at cleanup, and sshdash with it.
}

// A server that lets the user in but allows no session (sshd's
// MaxSessions 0, a jump-host-only account): connect exits 255 with the
// server's refusal after one login; with --retry it backs off and gives
// up after 5 logins, never looping.
func TestEndToEndConnectMaxSessionsZero(t *testing.T) {
	needTmuxE2E(t)
	srv, key := keyedSSHD(t, "MaxSessions 0")
	cfg := sshdConfig(t, srv, key)
	bin := buildBinary(t)
	logins := func() int { return strings.Count(srv.Logs(), "Accepted publickey for root") }

	c := startConnect(t, bin, "-F "+cfg+" h")
	if got := c.waitExit(t, 30*time.Second); got != "SSHDASH-EXITED=255" {
		t.Fatalf("%s, want SSHDASH-EXITED=255; stderr:\n%s", got, c.errText())
	}
	if e := c.errText(); !strings.Contains(e, "open failed") {
		t.Fatalf("stderr does not carry the server's refusal:\n%s", e)
	}
	if n := logins(); n != 1 {
		t.Fatalf("%d logins for a first connect that was refused, want 1\nsshd log:\n%s", n, srv.Logs())
	}

	start := time.Now()
	c = startConnect(t, bin, "--retry -F "+cfg+" h")
	if got := c.waitExit(t, 60*time.Second); got != "SSHDASH-EXITED=255" {
		t.Fatalf("%s, want SSHDASH-EXITED=255; stderr:\n%s", got, c.errText())
	}
	t.Logf("--retry gave up after %s", time.Since(start).Round(100*time.Millisecond))
	e := c.errText()
	if !strings.Contains(e, "refused 5 times in a row") || !strings.Contains(e, "open failed") {
		t.Fatalf("stderr does not say it gave up with the server's message:\n%s", e)
	}
	time.Sleep(500 * time.Millisecond) // sshd logs the last login after the client sees it
	n := logins() - 1
	if n < 1 || n > 5 {
		t.Fatalf("%d logins with --retry, want at most 5\nsshd log:\n%s", n, srv.Logs())
	}
	t.Logf("--retry: %d logins; stderr:\n%s", n, e)
}

// In the dashboard, a host whose first connection is refused shows failed
// with the reason and is not retried by itself; r tries again, and once
// the server allows sessions the session comes up.
func TestEndToEndDashboardRetriesFailedHost(t *testing.T) {
	needTmuxE2E(t)
	srv, key := keyedSSHD(t, "MaxSessions 0")
	cfg := sshdConfig(t, srv, key)
	bin := buildBinary(t)
	logins := func() int { return strings.Count(srv.Logs(), "Accepted publickey for root") }
	state := t.TempDir()
	tm := startTerm(t, e2eEnv(state), bin+" -F "+cfg)
	tm.waitFor("the host list", "Hosts")
	tm.keys("Enter")
	tm.waitFor("the failed session", "failed", "open failed")
	time.Sleep(2 * time.Second)
	if n := logins(); n != 1 {
		t.Fatalf("%d logins for a host that never came up, want 1 (no retry by itself)", n)
	}

	// Allow sessions (sshd re-reads its config on SIGHUP), then r.
	cfgPath := filepath.Join(srv.Dir(), "sshd_config")
	b, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfgPath, []byte(strings.ReplaceAll(string(b), "MaxSessions 0", "MaxSessions 10")), 0o600); err != nil {
		t.Fatal(err)
	}
	pid, err := os.ReadFile(filepath.Join(srv.Dir(), "sshd.pid"))
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("kill", "-HUP", strings.TrimSpace(string(pid))).CombinedOutput(); err != nil {
		t.Fatalf("kill -HUP sshd: %v %s", err, out)
	}
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(srv.Logs(), "Server listening on") < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	// Opening the host put the focus on the Sessions pane, where r is.
	tm.keys("r")
	tm.waitFor("the session up after r", "Sessions 1", "● up")
	if n := logins(); n != 2 {
		t.Errorf("%d logins, want 2", n)
	}
}
