package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Closing with prefix . while the link is down cannot end the remote tmux
// session, and connect (which ends there, so no later connection will)
// says which one is left running, with its host; its log says so too.
func TestEndToEndConnectCloseWhileDown(t *testing.T) {
	needTmuxE2E(t)
	// A private socket directory for the remote tmux: nothing shared with
	// other tests running as root.
	tmuxDir := filepath.Join(t.TempDir(), "tmux")
	if err := os.Mkdir(tmuxDir, 0o700); err != nil {
		t.Fatal(err)
	}
	remoteTmux := func(args ...string) *exec.Cmd {
		cmd := exec.Command("tmux", append([]string{"-L", "sshdash"}, args...)...)
		cmd.Env = append(os.Environ(), "TMUX_TMPDIR="+tmuxDir)
		return cmd
	}
	t.Cleanup(func() { _ = remoteTmux("kill-server").Run() })
	srv, key := keyedSSHD(t, "SetEnv TMUX_TMPDIR="+tmuxDir)
	cfg := sshdConfig(t, srv, key)
	bin := buildBinary(t)
	c := startConnect(t, bin, "-F "+cfg+" h")
	c.tm.text("echo up-$((6*7))")
	c.tm.keys("Enter")
	c.tm.waitFor("the shell", "up-42")
	out, err := remoteTmux("list-sessions", "-F", "#{session_name}").Output()
	name := strings.TrimSpace(string(out))
	if err != nil || !strings.HasPrefix(name, "sd-") || strings.Contains(name, "\n") {
		t.Fatalf("the remote tmux session: %q %v", out, err)
	}

	srv.Close() // the link drops and cannot come back
	c.tm.waitFor("the link-down banner", "link down")
	c.tm.keys("C-^", ".")
	if got := c.waitExit(t, 20*time.Second); got != "SSHDASH-EXITED=0" {
		t.Fatalf("%s, want SSHDASH-EXITED=0; stderr:\n%s", got, c.errText())
	}
	want := "the remote session is left running on h: " + name
	if e := c.errText(); !strings.Contains(e, want) {
		t.Fatalf("stderr does not say %q:\n%s", want, e)
	}
	if remoteTmux("has-session", "-t", "="+name).Run() != nil {
		t.Fatalf("%s is gone: then nothing was left and the message is wrong", name)
	}
}
