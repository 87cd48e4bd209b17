package labtest

// The clients BenchmarkLabKeystrokeEcho types into: a process in a local
// PTY (sshdash connect, ssh -tt) or sshdash's session layer in-process,
// each read by a goroutine of its own, and the clean-up after them.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/sshdash/sshdash/config"
	"github.com/sshdash/sshdash/internal/netlab"
	"github.com/sshdash/sshdash/session"
)

// echoClient is one interactive client in a local PTY, its remote `cat` in
// a raw PTY. A reader goroutine passes what the PTY prints to out (the
// PTY cannot take read deadlines), so a wait can time out and old output
// can be dropped before a key is typed.
type echoClient struct {
	name  string
	w     io.Writer   // where keys are typed
	out   chan []byte // what comes back; closed when the reader ends
	seen  *[]byte     // if set, waitFor keeps all it reads here
	close func()
}

// echoWait bounds the wait for one echo or for READY.
const echoWait = 60 * time.Second

// sample types one key and returns the time until its echo arrives.
func (c *echoClient) sample(b *testing.B, key byte) time.Duration {
	c.drain()
	start := time.Now()
	if _, err := c.w.Write([]byte{key}); err != nil {
		b.Fatalf("%s: type: %v", c.name, err)
	}
	if !c.waitFor(b, []byte{key}) {
		b.Fatalf("%s: no echo of %q within %s", c.name, key, echoWait)
	}
	return time.Since(start)
}

// drain drops what the PTY has printed so far.
func (c *echoClient) drain() {
	for {
		select {
		case <-c.out:
		default:
			return
		}
	}
}

// waitFor reads until want appears (within one chunk or across two); it
// reports false on a timeout or the end of the PTY.
func (c *echoClient) waitFor(b *testing.B, want []byte) bool {
	timeout := time.NewTimer(echoWait)
	defer timeout.Stop()
	var tail []byte
	for {
		select {
		case chunk, ok := <-c.out:
			if !ok {
				return false
			}
			if c.seen != nil {
				*c.seen = append(*c.seen, chunk...)
			}
			tail = append(tail, chunk...)
			if bytes.Contains(tail, want) {
				return true
			}
			if len(tail) > len(want) {
				tail = tail[len(tail)-len(want):]
			}
		case <-timeout.C:
			return false
		}
	}
}

// startEcho runs args in a local 80×24 PTY with env added and waits for
// READY from the remote side.
func startEcho(b *testing.B, name string, env []string, args ...string) *echoClient {
	b.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), env...)
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 80, Rows: 24})
	if err != nil {
		b.Fatalf("%s: %v", name, err)
	}
	c := newEchoClient(name, ptmx, ptmx)
	var once sync.Once
	c.close = func() {
		once.Do(func() {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // sshdash's guard and its child
			cmd.Process.Kill()
			cmd.Wait()
			ptmx.Close()
			for range c.out { // until the reader has ended
			}
		})
	}
	b.Cleanup(c.close)
	c.ready(b)
	return c
}

// newEchoClient types to w and reads r on a goroutine of its own.
func newEchoClient(name string, w io.Writer, r io.Reader) *echoClient {
	c := &echoClient{name: name, w: w, out: make(chan []byte, 1024)}
	go func() {
		defer close(c.out)
		for {
			buf := make([]byte, 4096)
			n, err := r.Read(buf)
			if n > 0 {
				c.out <- buf[:n]
			}
			if err != nil {
				return
			}
		}
	}()
	return c
}

// ready waits for READY and lets the first screen settle.
func (c *echoClient) ready(b *testing.B) {
	b.Helper()
	name := c.name
	var seen []byte
	c.seen = &seen
	t0 := time.Now()
	if !c.waitFor(b, []byte("READY")) {
		b.Fatalf("%s: no READY from the remote side within %s; it printed %q", name, echoWait, seen)
	}
	c.seen = nil
	b.Logf("%s: READY after %s", name, time.Since(t0).Round(time.Millisecond))
	time.Sleep(300 * time.Millisecond) // let the first screen settle
}

// startLibraryEcho runs command through sshdash's session layer in this
// process (Dial and StartShell, no attach loop, emulator or terminal): the
// part of sshdash's echo that is the transport's.
func startLibraryEcho(b *testing.B, lab *netlab.Lab, command string) *echoClient {
	b.Helper()
	cfg, err := config.Load(config.LoadOptions{File: lab.SSHConfig})
	if err != nil {
		b.Fatal(err)
	}
	plan, err := (&session.Opener{Config: cfg}).Plan("lab")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), echoWait)
	defer cancel()
	conn, err := session.Dial(ctx, session.DialOptions{Target: plan.Target})
	if err != nil {
		b.Fatal(err)
	}
	sh, err := session.StartShell(ctx, conn.Client(), session.ShellOptions{Command: command, RequestTTY: "force", Cols: 80, Rows: 24})
	if err != nil {
		conn.Close()
		b.Fatal(err)
	}
	c := newEchoClient("sshdash (library)", sh.Stdin, sh.Stdout)
	var once sync.Once
	c.close = func() {
		once.Do(func() {
			sh.Close()
			conn.Close()
			for range c.out {
			}
		})
	}
	b.Cleanup(c.close)
	c.ready(b)
	return c
}

// echoWatchdog prints every goroutine's stack and kills the clients (the
// waits then end and fail the benchmark) if it is not stopped within d.
func echoWatchdog(b *testing.B, d time.Duration, clients ...*echoClient) *time.Timer {
	return time.AfterFunc(d, func() {
		var st bytes.Buffer
		pprof.Lookup("goroutine").WriteTo(&st, 2)
		fmt.Fprintf(os.Stderr, "echo benchmark stuck for %s; goroutines:\n%s", d, st.String())
		for _, c := range clients {
			c.close()
		}
	})
}

// buildSSHDash builds the real binary once for the benchmark.
func buildSSHDash(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "sshdash")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/sshdash").CombinedOutput(); err != nil {
		b.Fatalf("build sshdash: %v\n%s", err, out)
	}
	return bin
}

// pct is the p-th percentile of sorted samples.
func pct(s []time.Duration, p int) time.Duration { return s[min(len(s)*p/100, len(s)-1)] }

func us(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d.Nanoseconds())/1e3) }

// ended waits up to d for the client's output to end (its process and
// the remote side have finished) and reports whether it did.
func (c *echoClient) ended(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case _, ok := <-c.out:
			if !ok {
				return true
			}
		case <-t.C:
			return false
		}
	}
}

// removeTmuxSessions removes the sessions of sshdash's private tmux server
// whose first pane's command names dir (this run's, and only those).
func removeTmuxSessions(b *testing.B, dir string) {
	out, err := exec.Command("tmux", "-L", "sshdash", "list-panes", "-a", "-F", "#{session_name}\t#{pane_start_command}").Output()
	if err != nil {
		return // no server: nothing left
	}
	for line := range strings.SplitSeq(string(out), "\n") {
		name, cmd, ok := strings.Cut(line, "\t")
		if ok && strings.Contains(cmd, dir) {
			if err := exec.Command("tmux", "-L", "sshdash", "kill-session", "-t", "="+name).Run(); err == nil {
				b.Logf("removed the tmux session %s this run left", name)
			}
		}
	}
}

// waitPID waits for the remote cat to write its PID (client and server
// share the file system and the PID namespace in the lab).
func waitPID(b *testing.B, path string) int {
	b.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if raw, err := os.ReadFile(path); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(raw))); err == nil && pid > 0 {
				return pid
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.Fatalf("the remote cat wrote no PID to %s within 20 s", path)
	return 0
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
