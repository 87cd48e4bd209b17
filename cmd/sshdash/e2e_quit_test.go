package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/sshdtest"
	"github.com/sshdash/sshdash/internal/testenv"
)

// quitTestSessions is how many shells TestEndToEndQuitManySessions opens.
const quitTestSessions = 100

// Quitting the real dashboard (guard and child in a PTY) with 100 shells
// open on a real sshd, reattach off, from a used world: the server already
// has another client's session open, one of the dashboard's shells is
// streaming output in the background, and the state directory holds a log
// from an earlier run. After q, y the whole process exits well within the
// close's bound (exitCloseDeadline, plus 2 s for the machine), the
// terminal has left the alternate screen, every connection the dashboard
// opened has ended on the server (its shells hung up), and the other
// client's session is still there.
func TestEndToEndQuitManySessions(t *testing.T) {
	testenv.Need(t, "ssh", "sshd")
	if !testenv.Enabled() {
		t.Skip(testenv.Var + " is not set")
	}
	bin := buildBinary(t)
	d := newDashBench(t, quitTestSessions)
	sshd := sshdPID(t, d.srv.Dir())
	d.env = append(d.env, "GOTRACEBACK=all") // SIGQUIT from the watchdog dumps every goroutine
	state := filepath.Join(d.dir, "state", "sshdash")
	os.MkdirAll(state, 0o700)
	os.WriteFile(filepath.Join(state, "sshdash.log"), []byte("time=2026-01-01T00:00:00Z level=INFO msg=\"an earlier run\"\n"), 0o600)

	// Another client's session on the same server, which the quit must
	// leave alone.
	other := exec.Command("ssh", "-F", d.cfg, "-N", "b0001")
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { other.Process.Kill(); other.Wait() }()
	// The same single connection process seen twice, 200 ms apart: a
	// read right after the first sighting once found none (CI, under
	// load), and indexing it panicked.
	var otherConn int
	waitFor(t, "the other client's connection on the server", 30*time.Second, func() bool {
		k := sshdtest.ChildPIDs(sshd)
		if len(k) != 1 {
			otherConn = 0
			return false
		}
		if k[0] == otherConn {
			return true
		}
		otherConn = k[0]
		time.Sleep(200 * time.Millisecond)
		return false
	})

	term := startDashTerm(t, bin, d.env, d.cols, d.rows, "-F", d.cfg)
	defer func() {
		if term.cmd.ProcessState == nil {
			term.cmd.Process.Kill()
			term.cmd.Wait()
		}
	}()
	term.waitScreen("first frame naming the first host", time.Minute, func(l []string) bool { return hostCursor(l) == "b0001" })
	child := childPID(term.cmd.Process.Pid)
	term.openAll(quitTestSessions, 5*time.Minute)
	if n := len(sshdtest.ChildPIDs(sshd)); n != quitTestSessions+1 {
		t.Fatalf("the server has %d connections, want %d (the dashboard's and the other client's)", n, quitTestSessions+1)
	}
	d.attach(term)
	term.send("cat /dev/urandom | base64\r")
	time.Sleep(500 * time.Millisecond)
	d.detach(term)

	term.send("q")
	term.waitScreen("the quit question", 30*time.Second, func(l []string) bool {
		return strings.Contains(strings.Join(l, "\n"), "open sessions and quit?")
	})
	y := time.Now()
	term.send("y")
	exited := make(chan struct{})
	go func() { term.cmd.Wait(); close(exited) }()
	limit := exitCloseDeadline + 2*time.Second
	select {
	case <-exited:
	case <-time.After(limit):
		// The child's goroutines go to the terminal.
		syscall.Kill(child, syscall.SIGQUIT)
		time.Sleep(time.Second)
		t.Fatalf("the dashboard had not exited %v after y (the close's bound is %v); its goroutines:\n%s",
			limit, exitCloseDeadline, strings.ReplaceAll(term.rawTail(), "\r\n", "\n"))
	}
	took := time.Since(y)
	t.Logf("quit with %d open: the process exited %.2f s after y", quitTestSessions, took.Seconds())
	if !term.cmd.ProcessState.Success() {
		t.Fatalf("the dashboard exited with %v\nscreen:\n%s", term.cmd.ProcessState, term.screenText())
	}
	<-term.done
	if term.altScreen() {
		t.Fatalf("the terminal was left on the alternate screen\nscreen:\n%s", term.screenText())
	}
	// The server hangs up each shell as its connection ends; only the
	// other client's connection is left.
	waitFor(t, "the server's connections from the dashboard to end", 10*time.Second, func() bool {
		k := sshdtest.ChildPIDs(sshd)
		return len(k) == 1 && k[0] == otherConn
	})
}

// waitFor polls cond every 50 ms until it holds, failing after limit.
func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(limit); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("no %s within %v", what, limit)
		}
	}
}

// sshdPID finds the listening sshd started with its configuration in dir.
func sshdPID(t *testing.T, dir string) int {
	t.Helper()
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmd, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if strings.Contains(string(cmd), filepath.Join(dir, "sshd_config")) {
			return pid
		}
	}
	t.Fatalf("no sshd running with %s", filepath.Join(dir, "sshd_config"))
	return 0
}
