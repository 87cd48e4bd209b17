package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/demo"
)

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

// The demo command itself starts, shows its hosts, opens their sessions
// without a key (three live rows with an RTT within 20 s: waitFor's
// bound), and leaves nothing behind when quit.
func TestEndToEndDemoCommand(t *testing.T) {
	needTmuxE2E(t)
	bin := buildBinary(t)
	state := t.TempDir()
	start := time.Now()
	tm := startTerm(t, e2eEnv(state, "TMPDIR="+state), bin+" demo")
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
	d := startDemo(t, demo.Options{})
	for _, how := range []string{"TERM", "HUP", "KILL-child"} {
		t.Run(how, func(t *testing.T) {
			state := t.TempDir()
			sttyOut := filepath.Join(state, "stty")
			tm := startTerm(t, e2eEnv(state), fmt.Sprintf("%s -F %s; stty -a > %s", bin, d.ConfigPath, sttyOut))
			tm.waitFor("the dashboard", "demo-healthy")
			guard, app := tm.sshdashPIDs()
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

// rttShown matches an RTT in a sessions row: 578µs, 1.2ms, 151ms.
var rttShown = regexp.MustCompile(`\d(µs|ms) `)
