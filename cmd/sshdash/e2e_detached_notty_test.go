package main

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// RequestTTY no and a dropped link: as ssh -T would, connect ends with
// status 255 and says why (the command cannot be resumed), instead of
// logging in again and silently running it a second time.
func TestEndToEndRequestTTYNoDropEnds(t *testing.T) {
	needTmuxE2E(t)
	if _, err := exec.LookPath("ss"); err != nil {
		t.Skip("needs ss (iproute2) to drop the connection")
	}
	srv, key := keyedSSHD(t)
	cfg := sshdConfig(t, srv, key, "RequestTTY no")
	bin := buildBinary(t)
	state := t.TempDir()
	tm := startTerm(t, []string{"XDG_CONFIG_HOME=" + state, "XDG_STATE_HOME=" + state, "TERM=xterm-256color", "LANG=C.UTF-8"},
		bin+" connect -F "+cfg+" h")
	tm.text("echo up-$((6*7))")
	tm.keys("Enter")
	tm.waitFor("the command's output", "up-42")
	// Cut the client's connection to this test's own sshd (its port is
	// private to this test).
	out, err := exec.Command("ss", "-K", "dst", "127.0.0.1", "dport", "=", ":"+strconv.Itoa(srv.Port())).CombinedOutput()
	if err != nil {
		t.Fatalf("ss -K: %v\n%s", err, out)
	}
	s := tm.waitFor("the end of the session", "SSHDASH-EXITED=255")
	if !strings.Contains(s, "RequestTTY no") || !strings.Contains(s, "not run again") {
		t.Fatalf("connect did not say why it ended:\n%s", s)
	}
	if n := strings.Count(sshdLogins(srv.Logs()), "\n"); n != 1 {
		t.Fatalf("%d logins in sshd's log; want 1 (no reconnect after the drop):\n%s", n, srv.Logs())
	}
}

// sshdLogins are sshd's "Accepted publickey" lines, one per login.
func sshdLogins(log string) string {
	var b strings.Builder
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "Accepted publickey") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}
