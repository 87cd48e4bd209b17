package main

import (
	"testing"
	"time"
)

// chattyHost starts a real sshd and writes an ssh_config with one host,
// "chatty", that sshdash can log in to without a question, and settings
// with reattach "none" (no tmux session is left on the server if the test
// fails). It returns the config path and the environment to run with.
func chattyHost(t *testing.T) (cfgPath string, env []string) {
	t.Helper()
	srv, key := keyedSSHD(t)
	cfgPath = pinnedSSHDConfig(t, t.TempDir(), srv, key, "chatty")
	state := t.TempDir()
	writeSettings(t, state, "reattach = \"none\"\n")
	return cfgPath, e2eEnv(state)
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
