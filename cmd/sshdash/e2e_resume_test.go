package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/demo"
)

// Killing sshdash (SIGHUP as when its terminal closes, or SIGKILL) leaves
// the remote shell running and resumable: `sessions` lists it detached, a
// plain connect says it is there, and `connect --resume` lands in the same
// shell (same PID). Exiting that shell then ends it on the server.
func TestEndToEndResumeAfterKill(t *testing.T) {
	needTmuxE2E(t)
	bin := buildBinary(t)
	d := startDemo(t, demo.Options{})
	for _, how := range []string{"HUP", "KILL"} {
		t.Run(how, func(t *testing.T) {
			state := t.TempDir()
			env := e2eEnv(state)
			sessions := func() []sessionRow {
				t.Helper()
				return listSessions(t, bin, env, d.ConfigPath, "demo-healthy")
			}
			before := map[string]bool{}
			for _, r := range sessions() { // a used world: earlier subtests' sessions
				before[r.Name] = true
			}

			tm := startTerm(t, env, bin+" connect -F "+d.ConfigPath+" demo-healthy")
			tm.waitFor("the shell", "demo-healthy$")
			pid := shellPID(t, tm, "first")

			// Kill sshdash as the terminal's hangup or a kill would.
			guard, app := tm.sshdashPIDs()
			switch how {
			case "HUP": // the terminal's hangup reaches its whole foreground group
				exec.Command("kill", "-HUP", app, guard).Run()
			case "KILL":
				exec.Command("kill", "-KILL", app).Run()
			}
			tm.waitFor("sshdash to end", "SSHDASH-EXITED=")

			// The shell is listed, detached, as this machine's.
			var mine sessionRow
			deadline := time.Now().Add(15 * time.Second)
			for mine.Name == "" {
				for _, r := range sessions() {
					if !before[r.Name] && r.State == "detached" {
						mine = r
					}
				}
				if mine.Name == "" && time.Now().After(deadline) {
					t.Fatalf("no new detached session listed after %s: %+v", how, sessions())
				}
				time.Sleep(200 * time.Millisecond)
			}
			if mine.Alias != "demo-healthy" || !mine.Mine || mine.Kind != "tmux" || mine.LastAttached == nil {
				t.Errorf("listed as %+v", mine)
			}

			// A plain connect says there is a detached session, then gets a
			// new shell; exiting it ends it.
			errFile := filepath.Join(state, "stderr")
			tm2 := startTerm(t, env, bin+" connect -F "+d.ConfigPath+" demo-healthy 2>"+errFile)
			tm2.waitFor("a new shell, and the notice on its bottom line", "demo-healthy$", "on demo-healthy; sshdash connect --resume demo-healthy")
			if pid2 := shellPID(t, tm2, "plain"); pid2 == pid {
				t.Fatalf("a plain connect landed in the detached shell %s", pid)
			}
			tm2.text("exit 0")
			tm2.keys("Enter")
			tm2.waitFor("the new shell's end", "SSHDASH-EXITED=0")
			// The notice was on the bottom line (waited for above). It
			// goes to stderr too only when the host's list came within
			// connect's short wait (detachedWait), which a loaded machine
			// can miss: then stderr must not carry a half or wrong one.
			said, _ := os.ReadFile(errFile)
			if bytes.Contains(said, []byte("detached")) && !regexp.MustCompile(`\d+ detached sessions? on demo-healthy; sshdash connect --resume demo-healthy`).Match(said) {
				t.Errorf("connect's stderr names the detached session wrongly:\n%s", said)
			}

			// --resume lands in the same shell.
			tm3 := startTerm(t, env, bin+" connect --resume -F "+d.ConfigPath+" demo-healthy")
			tm3.waitFor("the resumed shell", "demo-healthy$")
			if got := shellPID(t, tm3, "resumed"); got != pid {
				t.Fatalf("resumed into shell %s, want the same shell %s\n%s", got, pid, tm3.screen())
			}
			tm3.text("exit 0")
			tm3.keys("Enter")
			tm3.waitFor("the resumed shell's end", "SSHDASH-EXITED=0")
			for _, r := range sessions() {
				if r.Name == mine.Name {
					t.Fatalf("the session %s is still on the server after its shell exited: %+v", r.Name, r)
				}
			}
			// Resuming a session that is gone fails clearly.
			msg, err := sshdashCmd(bin, env, "connect", "--resume", mine.Name, "-F", d.ConfigPath, "demo-healthy").CombinedOutput()
			if err == nil || !strings.Contains(string(msg), "no session "+mine.Name) {
				t.Errorf("resuming a closed session: %v\n%s", err, msg)
			}
		})
	}
}

// A detached session unused for longer than detached-ttl is closed on the
// next connect to its host, in the background, and the log says so; a
// newer one is left alone.
func TestEndToEndDetachedTTL(t *testing.T) {
	needTmuxE2E(t)
	bin := buildBinary(t)
	d := startDemo(t, demo.Options{})
	state := t.TempDir()
	writeSettings(t, state, "detached-ttl = \"1h\"\n")
	env := e2eEnv(state)
	listed := func() map[string]string {
		t.Helper()
		m := map[string]string{}
		for _, r := range listSessions(t, bin, env, d.ConfigPath, "demo-healthy") {
			m[r.Name] = r.State
		}
		return m
	}
	// leave opens a session and kills sshdash, leaving its shell detached.
	leave := func(tag string) string {
		before := listed()
		tm := startTerm(t, env, bin+" connect -F "+d.ConfigPath+" demo-healthy")
		tm.waitFor("the shell", "demo-healthy$")
		shellPID(t, tm, tag)
		tm.killApp()
		tm.waitFor("sshdash to end", "SSHDASH-EXITED=")
		deadline := time.Now().Add(15 * time.Second)
		for {
			for name, st := range listed() {
				if _, ok := before[name]; !ok && st == "detached" {
					return name
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("the %s session is not listed detached: %v", tag, listed())
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	old := leave("old")
	recent := leave("recent")
	// Age the old one past detached-ttl: its last use (@sdlast, seconds
	// since the epoch) moves two hours back on the demo host's tmux
	// server. A clock-based wait would race a loaded machine.
	socks, _ := filepath.Glob(filepath.Join(d.Dir, "tmux", "demo-healthy", "tmux-*", "sshdash"))
	if len(socks) != 1 {
		t.Fatalf("the demo host's private tmux socket: found %v", socks)
	}
	past := strconv.FormatInt(time.Now().Add(-2*time.Hour).Unix(), 10)
	if out, err := exec.Command("tmux", "-S", socks[0], "set", "-t", "="+old+":", "@sdlast", past).CombinedOutput(); err != nil {
		t.Fatalf("aging %s: %v\n%s", old, err, out)
	}

	tm := startTerm(t, env, bin+" connect -F "+d.ConfigPath+" demo-healthy")
	tm.waitFor("a new shell", "demo-healthy$")
	deadline := time.Now().Add(15 * time.Second)
	for {
		l := listed()
		_, oldThere := l[old]
		if !oldThere {
			if l[recent] != "detached" {
				t.Fatalf("the recent detached session went too: %v", l)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the session %s, detached past detached-ttl, was not closed: %v", old, l)
		}
		time.Sleep(200 * time.Millisecond)
	}
	tm.text("exit 0")
	tm.keys("Enter")
	tm.waitFor("the shell's end", "SSHDASH-EXITED=0")
	// sessions --close ends the recent one; a second time it is gone.
	for i, want := range []string{"closed " + recent, "no session " + recent} {
		out, err := sshdashCmd(bin, env, "sessions", "--close", recent, "-F", d.ConfigPath, "demo-healthy").CombinedOutput()
		if !strings.Contains(string(out), want) || (i == 0) != (err == nil) {
			t.Errorf("sessions --close %s (%d): %v\n%s", recent, i+1, err, out)
		}
	}
	if _, ok := listed()[recent]; ok {
		t.Errorf("%s still listed after sessions --close", recent)
	}
	logs, _ := filepath.Glob(filepath.Join(state, "sshdash", "*.log"))
	var all []byte
	for _, p := range logs {
		b, _ := os.ReadFile(p)
		all = append(all, b...)
	}
	if !strings.Contains(string(all), "closed the detached session "+old) {
		t.Errorf("the log does not say %s was closed:\n%s", old, all)
	}
}

// Quitting the dashboard with "l" (leave running) leaves the session's
// shell on the server: connect --resume lands in it.
func TestEndToEndQuitLeaveRunning(t *testing.T) {
	tm, d := demoTerm(t, "-F %s")
	tm.waitFor("the host list", "demo-healthy", "demo-slow", "demo-flaky")
	tm.keys("/")
	tm.text("healthy")
	tm.waitFor("the filter", "Hosts 1/3")
	tm.keys("Enter")
	tm.keys("Enter")
	tm.waitFor("demo-healthy's shell", "demo-healthy$")
	pid := shellPID(t, tm, "left")
	tm.keys("C-^", "d")
	tm.waitFor("the live session row", "Sessions 1", "up", "demo-healthy")
	tm.keys("Tab")
	tm.keys("q")
	tm.waitFor("the quit question with its third answer", "Close 1 open session and quit?", "Leave running")
	tm.keys("l")
	tm.waitFor("sshdash to exit", "SSHDASH-EXITED=0")
	if !tmuxLeft(d.Dir) {
		t.Fatal("no demo tmux session left running after quitting with leave running")
	}
	tm2 := startTerm(t, e2eEnv(t.TempDir()), buildBinary(t)+" connect --resume -F "+d.ConfigPath+" demo-healthy")
	tm2.waitFor("the resumed shell", "demo-healthy$")
	if got := shellPID(t, tm2, "back"); got != pid {
		t.Fatalf("resumed into shell %s, want %s", got, pid)
	}
	tm2.text("exit 3")
	tm2.keys("Enter")
	tm2.waitFor("the resumed shell's exit status", "SSHDASH-EXITED=3")
}
