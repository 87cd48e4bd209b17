package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/demo"
	"github.com/sshdash/sshdash/internal/testenv"
)

// tmuxTerm drives the real sshdash binary in a real terminal: a tmux pane.
type tmuxTerm struct {
	t    *testing.T
	name string
	sock string
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sshdash")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("build sshdash: %v\n%s", err, out)
	}
	return bin
}

func needTmuxE2E(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if testenv.Enabled() {
			t.Fatalf("%s=1 but tmux is missing", testenv.Var)
		}
		t.Skip("tmux not installed")
	}
}

// startTerm runs command in a new tmux server of its own, 120×36.
func startTerm(t *testing.T, env []string, command string) *tmuxTerm {
	t.Helper()
	tm := &tmuxTerm{t: t, name: "e2e", sock: filepath.Join(t.TempDir(), "tmux.sock")}
	args := []string{"-S", tm.sock, "-f", "/dev/null", "new-session", "-d", "-s", tm.name, "-x", "120", "-y", "36"}
	for _, kv := range env {
		args = append(args, "-e", kv)
	}
	args = append(args, command+"; echo SSHDASH-EXITED=$?; sleep 60")
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("tmux", "-S", tm.sock, "kill-server").Run() })
	return tm
}

func (tm *tmuxTerm) screen() string {
	out, _ := exec.Command("tmux", "-S", tm.sock, "capture-pane", "-p", "-t", tm.name).Output()
	return string(out)
}

func (tm *tmuxTerm) keys(keys ...string) {
	tm.t.Helper()
	args := append([]string{"-S", tm.sock, "send-keys", "-t", tm.name}, keys...)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		tm.t.Fatalf("send-keys %q: %v\n%s", keys, err, out)
	}
	time.Sleep(150 * time.Millisecond)
}

func (tm *tmuxTerm) text(s string) { tm.keys("-l", s) }

// waitFor waits until the screen shows every part.
func (tm *tmuxTerm) waitFor(what string, parts ...string) string {
	tm.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := tm.screen()
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(s, p)
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("waiting for %s (%q); the screen shows:\n%s", what, parts, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// demoTerm starts the demo's servers and runs `sshdash ARGS` against their
// config (args with %s for the config path) in a tmux pane of its own, with
// private XDG directories. It returns the pane and the demo.
func demoTerm(t *testing.T, args string, extraEnv ...string) (*tmuxTerm, *demo.Demo) {
	t.Helper()
	needTmuxE2E(t)
	bin := buildBinary(t)
	d, err := demo.Start(context.Background(), demo.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	state := t.TempDir()
	env := append([]string{"XDG_CONFIG_HOME=" + state, "XDG_STATE_HOME=" + state, "TERM=xterm-256color", "LANG=C.UTF-8"}, extraEnv...)
	return startTerm(t, env, bin+" "+fmt.Sprintf(args, d.ConfigPath)), d
}

// TestEndToEndDashboardAndSessions drives the real binary in tmux against
// the demo's servers: filter, connect, run a command, detach, see the live
// row, open a second session, switch back to the first (its screen is
// redrawn with its content), help, close both and quit.
func TestEndToEndDashboardAndSessions(t *testing.T) {
	tm, d := demoTerm(t, "-F %s")
	tm.waitFor("the host list", "demo-healthy", "demo-slow", "demo-flaky")

	// Filter to demo-slow and connect: the terminal is attached to its shell.
	tm.keys("/")
	tm.text("slow")
	s := tm.waitFor("the filter", "Hosts 1/3")
	if strings.Contains(s, "demo-flaky") {
		t.Fatalf("the filter kept demo-flaky:\n%s", s)
	}
	tm.keys("Enter")
	tm.keys("Enter")
	tm.waitFor("demo-slow's shell", "demo-slow$")
	tm.text("echo first-$((40+2))")
	tm.keys("Enter")
	tm.waitFor("the command's output", "first-42")

	// Detach: the dashboard shows the live session.
	tm.keys("C-^", "d")
	tm.waitFor("the live session row", "Sessions 1", "up", "demo-slow")

	// Open a second session and run something there.
	tm.keys("Tab")
	tm.keys("Escape") // clear the filter
	tm.waitFor("all hosts again", "demo-healthy", "demo-flaky")
	tm.keys("g")
	tm.keys("Enter")
	tm.waitFor("demo-healthy's shell", "demo-healthy$")
	tm.text("echo second-session")
	tm.keys("Enter")
	tm.waitFor("the second command", "second-session")

	// Switch back with the prefix: the first screen is redrawn as it was.
	tm.keys("C-^", "p")
	s = tm.waitFor("the first session redrawn", "first-42", "demo-slow$")
	if strings.Contains(s, "second-session") {
		t.Fatalf("the second session's output is on the first one's screen:\n%s", s)
	}

	// Close it with prefix-., then the other from the dashboard.
	tm.keys("C-^", ".")
	tm.waitFor("back on the dashboard with one session", "Sessions 1")
	tm.keys("?")
	tm.waitFor("help", "help")
	tm.keys("Escape")
	tm.keys("q")
	tm.waitFor("the quit question", "uit")
	tm.keys("y")
	tm.waitFor("sshdash to exit cleanly", "SSHDASH-EXITED=0")
	if tmuxLeft(d.Dir) {
		t.Error("a demo tmux session was left running after quitting")
	}
}

// tmuxLeft reports whether the demo's private tmux servers under dir (one
// per host) still have sessions.
func tmuxLeft(dir string) bool {
	socks, _ := filepath.Glob(filepath.Join(dir, "tmux", "*", "tmux-*", "*"))
	for _, s := range socks {
		if out, err := exec.Command("tmux", "-S", s, "ls").Output(); err == nil && len(strings.TrimSpace(string(out))) > 0 {
			return true
		}
	}
	return false
}

// The demo command itself starts, shows its hosts, opens their sessions
// without a key (three live rows with an RTT within 20 s: waitFor's
// bound), and leaves nothing behind when quit.
func TestEndToEndDemoCommand(t *testing.T) {
	needTmuxE2E(t)
	bin := buildBinary(t)
	state := t.TempDir()
	start := time.Now()
	tm := startTerm(t, []string{"XDG_CONFIG_HOME=" + state, "XDG_STATE_HOME=" + state, "TMPDIR=" + state, "LANG=C.UTF-8"}, bin+" demo")
	tm.waitFor("the demo hosts", "demo-healthy", "demo-slow", "demo-flaky")
	tm.waitFor("three live sessions", "Sessions 3")
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := tm.screen()
		live := 0
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, "● up") && rttShown.MatchString(l) && strings.Contains(l, "demo-") {
				live++
			}
		}
		if live == 3 {
			t.Logf("three live rows with an RTT %v after start", time.Since(start).Round(100*time.Millisecond))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d live rows with an RTT after 20 s without a key, want 3:\n%s", live, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// demo-flaky's link goes silent after 25 s: its row goes down
	// (stale, dropped, reconnecting) and comes back up by itself, within
	// the first minute.
	deadline = time.Now().Add(60 * time.Second)
	wentDown, back := false, false
	for !back {
		if time.Now().After(deadline) {
			t.Fatalf("demo-flaky went down: %v, came back: %v within a minute; the screen shows:\n%s", wentDown, back, tm.screen())
		}
		for _, l := range strings.Split(tm.screen(), "\n") {
			if !strings.Contains(l, "demo-flaky") || !strings.Contains(l, "/2") { // its sessions row (MISS x/2)
				continue
			}
			switch {
			case strings.Contains(l, "stale"), strings.Contains(l, "dropped"), strings.Contains(l, "reconnecting"):
				wentDown = true
			case wentDown && strings.Contains(l, "● up"):
				back = true
				t.Logf("demo-flaky down and up again %v after start", time.Since(start).Round(100*time.Millisecond))
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	tm.keys("q")
	tm.waitFor("the quit question", "Close 3 open sessions and quit?")
	tm.keys("y")
	tm.waitFor("exit", "SSHDASH-EXITED=0")
	left, _ := filepath.Glob(filepath.Join(state, "sshdash-demo-*"))
	if len(left) > 0 {
		t.Errorf("the demo left files behind: %v", left)
	}
	_ = os.Remove(state)
}

// connect attaches at once and exits with the remote shell's status.
func TestEndToEndConnectExitStatus(t *testing.T) {
	tm, _ := demoTerm(t, "connect -F %s demo-healthy")
	tm.waitFor("the shell", "demo-healthy$")
	tm.text("stty size")
	tm.keys("Enter")
	tm.waitFor("the remote PTY with the terminal's size", "36 120")
	tm.text("exit 7")
	tm.keys("Enter")
	tm.waitFor("the exit status", "SSHDASH-EXITED=7")
}

// With --status-bar the bottom line is sshdash's: the remote PTY is one
// line shorter, and scrolling output, clear and a remote scroll-region
// reset never overwrite the status line.
func TestEndToEndStatusBar(t *testing.T) {
	tm, _ := demoTerm(t, "connect --status-bar -F %s demo-healthy")
	tm.waitFor("the shell", "demo-healthy$")
	tm.text(`seq 1 80; clear; printf '\033[r'; seq 1 60; stty size`)
	tm.keys("Enter")
	s := tm.waitFor("the remote size", "35 120")
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(lines[len(lines)-1], "ctrl+^ ? help") && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		lines = strings.Split(strings.TrimRight(tm.screen(), "\n"), "\n")
	}
	if len(lines) != 36 || !strings.Contains(lines[35], "demo-healthy") || !strings.Contains(lines[35], "ctrl+^ ? help") {
		t.Fatalf("bottom line is not the status bar:\n%s", strings.Join(lines, "\n"))
	}
	if !strings.Contains(lines[34], "demo-healthy$") {
		t.Fatalf("the prompt is not on the line above the status bar:\n%s", strings.Join(lines, "\n"))
	}
}

// The user's terminal is restored however sshdash ends: SIGTERM or SIGHUP
// to it, or the program itself dying at once (SIGKILL of the process under
// the guard, as a crash looks from outside).
func TestEndToEndTerminalRestored(t *testing.T) {
	needTmuxE2E(t)
	bin := buildBinary(t)
	d, err := demo.Start(context.Background(), demo.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, how := range []string{"TERM", "HUP", "KILL-child"} {
		t.Run(how, func(t *testing.T) {
			state := t.TempDir()
			sttyOut := filepath.Join(state, "stty")
			tm := startTerm(t, []string{"XDG_CONFIG_HOME=" + state, "XDG_STATE_HOME=" + state, "LANG=C.UTF-8"},
				fmt.Sprintf("%s -F %s; stty -a > %s", bin, d.ConfigPath, sttyOut))
			tm.waitFor("the dashboard", "demo-healthy")
			out, err := exec.Command("tmux", "-S", tm.sock, "display", "-p", "-t", tm.name, "#{pane_pid}").Output()
			if err != nil {
				t.Fatal(err)
			}
			guard := childOf(t, strings.TrimSpace(string(out)))
			app := childOf(t, guard)
			switch how {
			case "TERM":
				exec.Command("kill", "-TERM", guard, app).Run()
			case "HUP":
				exec.Command("kill", "-HUP", guard).Run()
			case "KILL-child":
				exec.Command("kill", "-KILL", app).Run()
			}
			deadline := time.Now().Add(10 * time.Second)
			var stty []byte
			for time.Now().Before(deadline) {
				if stty, _ = os.ReadFile(sttyOut); len(stty) > 0 {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			s := " " + strings.Join(strings.Fields(string(stty)), " ") + " "
			if !strings.Contains(s, " icanon ") || !strings.Contains(s, " echo ") {
				t.Fatalf("terminal not restored after %s (want icanon and echo):\n%s", how, stty)
			}
		})
	}
}

// childOf returns the PID of the only child of pid.
func childOf(t *testing.T, pid string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		out, _ := exec.Command("pgrep", "-P", pid).Output()
		if f := strings.Fields(string(out)); len(f) > 0 {
			return f[0]
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("process %s has no child", pid)
	return ""
}

// rttShown matches an RTT in a sessions row: 578µs, 1.2ms, 151ms.
var rttShown = regexp.MustCompile(`\d(µs|ms) `)
