package main

import (
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// The same as TestEndToEndResumeAfterKill against a real OpenSSH sshd and
// the user's login shell: SIGHUP to sshdash (as its terminal closing
// sends), then sessions lists the shell and connect --resume NAME lands in
// it. The server's tmux runs under a private TMUX_TMPDIR (sshd_config
// SetEnv), so other tests' private tmux servers are not seen or touched.
func TestEndToEndResumeRealSSHD(t *testing.T) {
	needTmuxE2E(t)
	bin := buildBinary(t)
	srv, key, dir, tmuxDir := tmuxSSHD(t)
	cfg := pinnedSSHDConfig(t, dir, srv, key, "target")
	env := e2eEnv(filepath.Join(dir, "state"))
	sessions := func() []sessionRow {
		t.Helper()
		return listSessions(t, bin, env, cfg, "target")
	}

	tm := startTerm(t, env, bin+" connect -F "+cfg+" target")
	pid := shellPID(t, tm, "sshd")
	guard, app := tm.sshdashPIDs()
	exec.Command("kill", "-HUP", app, guard).Run()
	tm.waitFor("sshdash to end", "SSHDASH-EXITED=")

	var name string
	deadline := time.Now().Add(15 * time.Second)
	for name == "" {
		for _, r := range sessions() {
			if r.Kind == "tmux" && r.State == "detached" && r.Alias == "target" && r.Mine {
				name = r.Name
			}
		}
		if name == "" && time.Now().After(deadline) {
			t.Fatalf("the shell is not listed detached after SIGHUP: %+v", sessions())
		}
		time.Sleep(200 * time.Millisecond)
	}
	if socks, _ := filepath.Glob(filepath.Join(tmuxDir, "tmux-*", "sshdash")); len(socks) != 1 {
		t.Fatalf("the server's private tmux is not under the test's TMUX_TMPDIR (found %q)", socks)
	}
	tm2 := startTerm(t, env, bin+" connect --resume "+name+" -F "+cfg+" target")
	if got := shellPID(t, tm2, "sshd-back"); got != pid {
		t.Fatalf("resumed into shell %s, want %s", got, pid)
	}
	tm2.text("exit 4")
	tm2.keys("Enter")
	tm2.waitFor("the exit status", "SSHDASH-EXITED=4")
	for _, r := range sessions() {
		if r.Name == name {
			t.Fatalf("%s is still on the server after its shell exited: %+v", name, r)
		}
	}
}
