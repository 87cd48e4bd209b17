package main

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// chattyHost starts a real sshd and writes an ssh_config with one host,
// "chatty", that sshdash can log in to without a question, and settings
// with reattach "none" (no tmux session is left on the server if the test
// fails). It returns the config path and the environment to run with.
func chattyHost(t *testing.T) (cfgPath string, env []string) {
	t.Helper()
	dir := t.TempDir()
	srv, key := keyedSSHD(t)
	known := filepath.Join(dir, "known_hosts")
	line := fmt.Sprintf("[127.0.0.1]:%d %s", srv.Port(), ssh.MarshalAuthorizedKey(srv.HostKey()))
	if err := os.WriteFile(known, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	cfgPath = filepath.Join(dir, "ssh_config")
	cfg := fmt.Sprintf("Host chatty\n  HostName 127.0.0.1\n  Port %d\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n",
		srv.Port(), u.Username, key, known)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	state := t.TempDir()
	if err := os.MkdirAll(filepath.Join(state, "sshdash"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(state, "sshdash", "config.toml"), []byte("reattach = \"none\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfgPath, []string{"XDG_CONFIG_HOME=" + state, "XDG_STATE_HOME=" + state, "TERM=xterm-256color", "LANG=C.UTF-8"}
}

// waitLong is tmuxTerm.waitFor with a bound of the caller's choice.
func (tm *tmuxTerm) waitLong(what string, d time.Duration, part string) {
	tm.t.Helper()
	deadline := time.Now().Add(d)
	for !strings.Contains(tm.screen(), part) {
		if time.Now().After(deadline) {
			tm.t.Fatalf("waiting %s for %s (%q); the screen shows:\n%s", d, what, part, tm.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The chatty-minute reproduction of issue 13: `sshdash connect` to a real
// sshd, a loop printing 1,500 lines over about forty seconds (more than
// the 1,024 events the old channel held, while nobody reads events during
// an attach), then `exit 3`: sshdash exits with the shell's status. It
// used to hang for good: every session's serve loop was stuck publishing.
func TestEndToEndConnectChattyMinute(t *testing.T) {
	needTmuxE2E(t)
	cfg, env := chattyHost(t)
	bin := buildBinary(t)
	tm := startTerm(t, env, bin+" connect -F "+cfg+" chatty")
	tm.text("echo READY-$((20+22))")
	tm.keys("Enter")
	tm.waitFor("the shell", "READY-42")
	tm.text("for i in $(seq 1 1500); do echo line $i; sleep 0.025; done; echo DONE-$((1+1))")
	tm.keys("Enter")
	tm.waitLong("the chatty loop to finish", 3*time.Minute, "DONE-2")
	tm.text("exit 3")
	tm.keys("Enter")
	tm.waitLong("sshdash to exit with the shell's status", 20*time.Second, "SSHDASH-EXITED=3")
}
