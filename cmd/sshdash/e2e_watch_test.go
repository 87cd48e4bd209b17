package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"testing"
	"time"
)

// A regex watcher on host a, set in the settings file with notify =
// "osc9", fires once for a line printed by session a while the user is
// attached to session b: the real binary in a terminal (a tmux pane whose
// raw output is piped to a file), against a real sshd, with the remote
// shells under the remote tmux. The terminal receives exactly one bell and
// OSC 9 notification and the attached screen's bottom line says it;
// back in the dashboard a's row is marked and its log has one entry;
// reattaching to a (whose tmux redraws the line) does not fire again.
func TestEndToEndWatchMatchInBackgroundSession(t *testing.T) {
	needTmuxE2E(t)
	watchdog := time.AfterFunc(3*time.Minute, func() {
		_ = pprof.Lookup("goroutine").WriteTo(os.Stderr, 2)
		panic("TestEndToEndWatchMatchInBackgroundSession: no end after 3 minutes")
	})
	defer watchdog.Stop()

	srv, key := keyedSSHD(t)
	cfg := sshdConfig(t, srv, key)
	// Two hosts on the same server: a (watched) and b.
	body, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte(strings.Replace(string(body), "Host h\n", "Host a b\n", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	state := t.TempDir()
	set := "notify = \"osc9\"\n[[host]]\nmatch = \"a\"\nwatch = [\"match=DEPLOY-42\", \"exit\"]\n"
	if err := os.MkdirAll(filepath.Join(state, "sshdash"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(state, "sshdash", "config.toml"), []byte(set), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := buildBinary(t)
	tm := startTerm(t, []string{"XDG_CONFIG_HOME=" + state, "XDG_STATE_HOME=" + state, "TERM=xterm-256color", "LANG=C.UTF-8"}, bin+" -F "+cfg)
	raw := filepath.Join(t.TempDir(), "pane.raw")
	if out, err := exec.Command("tmux", "-S", tm.sock, "pipe-pane", "-o", "-t", tm.name, "cat >> "+raw).CombinedOutput(); err != nil {
		t.Fatalf("pipe-pane: %v\n%s", err, out)
	}
	const osc = "\a\x1b]9;sshdash: a: output matched: DEPLOY-42\a"
	notifications := func() int {
		data, _ := os.ReadFile(raw)
		return strings.Count(string(data), osc)
	}
	bells := func() int {
		data, _ := os.ReadFile(raw)
		return strings.Count(string(data), "\a\x1b]9;")
	}

	tm.waitFor("the host list", "Hosts 2")
	// Session a: a command that prints the line a few seconds later (its
	// echo does not match: $((6*7)) is computed by the shell).
	tm.keys("Enter")
	waitShell(tm, "a")
	tm.text("sleep 6; echo DEPLOY-$((6*7))")
	tm.keys("Enter")
	tm.keys("C-^", "d")
	tm.waitFor("the dashboard", "Sessions 1")
	// Session b, attached while a's command runs in the background.
	tm.keys("Tab")
	tm.keys("Down")
	tm.keys("Enter")
	waitShell(tm, "b")
	tm.text("echo in-b-$((2+3))")
	tm.keys("Enter")
	tm.waitFor("b's output", "in-b-5")
	if n := notifications(); n != 0 {
		t.Fatalf("%d notifications before the line was printed", n)
	}
	tm.waitFor("the alert on b's bottom line", "⚑ a: output matched: DEPLOY-42")
	deadline := time.Now().Add(10 * time.Second)
	for notifications() == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // a second one would have come by now
	if n, b := notifications(), bells(); n != 1 || b != 1 {
		t.Fatalf("%d OSC 9 notifications (%d bells with OSC 9), want exactly 1", n, b)
	}
	if s := tm.screen(); !strings.Contains(s, "in-b-5") {
		t.Fatalf("b's screen was not kept under the alert:\n%s", s)
	}

	// The dashboard: a's row is marked, and a's log has the entry once.
	tm.keys("C-^", "d")
	tm.waitFor("the marked row", "⚑ a")
	tm.keys("Up")
	tm.keys("l")
	s := tm.waitFor("a's log", "Event log · a", "watch: output matched: DEPLOY-42")
	if n := strings.Count(s, "  watch: output matched"); n != 1 {
		t.Fatalf("%d log entries for the alert:\n%s", n, s)
	}
	tm.keys("Escape")

	// Back in a: its tmux redraws the screen with the line; no new alert.
	tm.keys("Enter")
	tm.waitFor("a again", "DEPLOY-42")
	time.Sleep(1500 * time.Millisecond)
	if n := notifications(); n != 1 {
		t.Fatalf("%d notifications after reattaching to a, want still 1", n)
	}
	// The exit watcher: a's shell ends, the dashboard rings (OSC 9 again).
	tm.text("exit 3")
	tm.keys("Enter")
	tm.waitFor("the exit alert", "the remote command exited with status 3", "⚑ a")
	deadline = time.Now().Add(10 * time.Second)
	for {
		data, _ := os.ReadFile(raw)
		if strings.Contains(string(data), "\a\x1b]9;sshdash: a: the remote command exited with status 3\a") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no OSC 9 for the exit; raw output ends with %q", tail(string(data), 400))
		}
		time.Sleep(50 * time.Millisecond)
	}
	tm.keys("q")
	tm.keys("y")
	tm.waitFor("exit", "SSHDASH-EXITED=")
}

// waitShell waits until the dashboard has given the terminal to a shell
// (a root prompt, no host list).
func waitShell(tm *tmuxTerm, host string) {
	tm.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := tm.screen()
		if !strings.Contains(s, "Hosts 2") && strings.Contains(s, "~#") {
			return
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("no shell of %s; the screen shows:\n%s", host, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
