package labtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/sshdash/sshdash/config"
	"github.com/sshdash/sshdash/internal/netlab"
	"github.com/sshdash/sshdash/internal/testenv"
	"github.com/sshdash/sshdash/session"
)

// echoKeys are the keys typed, in turn: letters that no escape sequence of
// tmux's or sshdash's output ends with, so that the echo of a key is told
// apart from any redraw around it, and never the key before it.
const echoKeys = "wyzv"

// echoSamples is how many keys each implementation types per row
// (SSHDASH_BENCH_ECHO, default 500), in echoBlocks interleaved blocks.
func echoSamples() int {
	if n, err := strconv.Atoi(os.Getenv("SSHDASH_BENCH_ECHO")); err == nil && n >= echoBlocks {
		return n
	}
	return 500
}

const echoBlocks = 25

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

// BenchmarkLabKeystrokeEcho: keystroke echo across the lab's link (client
// namespace → NAT router → sshd), the real `sshdash connect` in a local
// PTY beside `ssh -tt` in a local PTY, the same sshd, a remote `cat` in a
// raw PTY (stty raw -echo), 1-byte keys typed one at a time, each timed
// from the write to the PTY until its echo is read back. Two rows: the
// reattach wrapper off (plain shell), and on (sshdash's private tmux
// server in the path; OpenSSH then runs the same cat in a tmux session of
// its own, as a user would to survive a drop, in the same tmux server). Each row: echoSamples keys per
// client in echoBlocks blocks, the clients taking turns (which goes first
// alternates), p50 and p99 each. Whole process, both connections stay open
// for the row.
//
//	sudo SSHDASH_INTEGRATION=1 go test -run '^$' -bench LabKeystrokeEcho -benchtime 1x ./internal/labtest/
func BenchmarkLabKeystrokeEcho(b *testing.B) {
	lab := netlab.Enter(b, netlab.Options{NATTimeout: 60 * time.Second})
	if lab == nil {
		return
	}
	testenv.Need(b, "tmux")
	bin := buildSSHDash(b)
	dir := b.TempDir()
	cfgText, err := os.ReadFile(lab.SSHConfig)
	if err != nil {
		b.Fatal(err)
	}
	for _, reattach := range []string{"none", "tmux"} {
		// catLine is the remote side: a raw PTY, cat's PID in pidFile (the
		// lab's client and server share the file system and PIDs), READY.
		catLine := func(pidFile string) string {
			return "stty raw -echo; echo $$ > " + pidFile + "; echo READY; exec cat"
		}

		// ssh -tt, plain or inside a tmux server of its own.
		theirPIDFile := filepath.Join(dir, "cat-ssh-"+reattach+".pid")
		theirRemote := catLine(theirPIDFile)
		// With tmux, OpenSSH's cat runs in a session of its own in the
		// same tmux server as sshdash's (its private one, -L sshdash), so
		// both pay the same server; only that session is removed after.
		tsess := fmt.Sprintf("sdecho%d", os.Getpid())
		if reattach == "tmux" {
			theirRemote = fmt.Sprintf("tmux -L sshdash -f /dev/null new-session -d -s %s %s \\; attach -t =%s", tsess, shellQuote(theirRemote), tsess)
		}
		theirs := startEcho(b, "ssh -tt", []string{"TERM=xterm-256color"}, "ssh", "-tt", "-F", lab.SSHConfig, "lab", theirRemote)
		theirsPID := waitPID(b, theirPIDFile)

		// sshdash connect, with RemoteCommand and the reattach setting.
		sd := filepath.Join(dir, "sshdash-"+reattach)
		if err := os.MkdirAll(filepath.Join(sd, "sshdash"), 0o700); err != nil {
			b.Fatal(err)
		}
		ourPIDFile := filepath.Join(dir, "cat-sshdash-"+reattach+".pid")
		cfg := string(cfgText) + "  RequestTTY force\n  RemoteCommand " + catLine(ourPIDFile) + "\n"
		if err := os.WriteFile(filepath.Join(sd, "ssh_config"), []byte(cfg), 0o600); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sd, "sshdash", "config.toml"), []byte("reattach = \""+reattach+"\"\n"), 0o600); err != nil {
			b.Fatal(err)
		}
		ours := startEcho(b, "sshdash connect", []string{"XDG_CONFIG_HOME=" + sd, "XDG_STATE_HOME=" + sd, "TERM=xterm-256color"},
			bin, "connect", "-F", filepath.Join(sd, "ssh_config"), "lab")
		oursPID := waitPID(b, ourPIDFile)

		// SSHDASH_BENCH_BASE, another sshdash binary (an A/B of a change),
		// types its keys in the same blocks.
		var base *echoClient
		basePID := 0
		if bb := os.Getenv("SSHDASH_BENCH_BASE"); bb != "" {
			bd := filepath.Join(dir, "base-"+reattach)
			if err := os.MkdirAll(filepath.Join(bd, "sshdash"), 0o700); err != nil {
				b.Fatal(err)
			}
			pf := filepath.Join(dir, "cat-base-"+reattach+".pid")
			if err := os.WriteFile(filepath.Join(bd, "ssh_config"), []byte(string(cfgText)+"  RequestTTY force\n  RemoteCommand "+catLine(pf)+"\n"), 0o600); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(bd, "sshdash", "config.toml"), []byte("reattach = \""+reattach+"\"\n"), 0o600); err != nil {
				b.Fatal(err)
			}
			base = startEcho(b, "sshdash connect (SSHDASH_BENCH_BASE)", []string{"XDG_CONFIG_HOME=" + bd, "XDG_STATE_HOME=" + bd, "TERM=xterm-256color"},
				bb, "connect", "-F", filepath.Join(bd, "ssh_config"), "lab")
			basePID = waitPID(b, pf)
		}

		libPIDFile := filepath.Join(dir, "cat-lib-"+reattach+".pid")
		var lib *echoClient
		libPID := 0
		if reattach == "none" { // the session layer has no reattach of its own
			lib = startLibraryEcho(b, lab, catLine(libPIDFile))
			libPID = waitPID(b, libPIDFile)
		}

		n := echoSamples()
		dog := echoWatchdog(b, time.Duration(n)*2*time.Second+time.Minute, ours, theirs)
		samples := map[*echoClient][]time.Duration{}
		k := 0
		for blk := range echoBlocks {
			order := []*echoClient{ours, theirs}
			if blk%2 == 1 {
				order = []*echoClient{theirs, ours}
			}
			if base != nil {
				order = append(order[:1], base, order[1])
				if blk%2 == 1 {
					order = []*echoClient{base, order[0], order[2]}
				}
			}
			if lib != nil {
				order = append(order, lib)
			}
			for _, c := range order {
				for range n / echoBlocks {
					samples[c] = append(samples[c], c.sample(b, echoKeys[k%len(echoKeys)]))
					k++
				}
			}
		}
		so, st, sl := samples[ours], samples[theirs], samples[lib]
		dog.Stop()
		// End the remote cats first, then let each client end on its own:
		// sshdash's wrapper then reads the exit status and removes its
		// tmux session. Whatever is left of this run's sessions in the
		// shared tmux server (found by this run's directory in their
		// command) is removed after; nothing else there is touched.
		sb := slices.Clone(samples[base])
		for _, pid := range []int{oursPID, theirsPID, libPID, basePID} {
			if pid > 0 {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		for _, c := range []*echoClient{ours, theirs, base, lib} {
			if c != nil {
				c.ended(15 * time.Second)
				c.close()
			}
		}
		if reattach == "tmux" {
			removeTmuxSessions(b, dir)
		}
		if base != nil {
			slices.Sort(sb)
			b.Logf("SSHDASH_BENCH_BASE's sshdash connect, %s: p50 %s, p99 %s", reattach, us(pct(sb, 50)), us(pct(sb, 99)))
		}

		slices.Sort(so)
		slices.Sort(st)
		slices.Sort(sl)
		if len(sl) > 0 {
			b.Logf("sshdash's session layer in-process (no attach loop, emulator or terminal), %s: p50 %s, p99 %s", reattach, us(pct(sl, 50)), us(pct(sl, 99)))
		}
		row := map[string]string{"none": "reattach off", "tmux": "reattach tmux (OpenSSH: ssh -tt running tmux attach, same tmux server)"}[reattach]
		b.Logf("keystroke echo across the lab link, %s, whole process in a PTY, %d keys each in %d interleaved blocks:\n"+
			"    sshdash connect: p50 %s, p99 %s\n"+
			"    OpenSSH ssh -tt: p50 %s, p99 %s\n"+
			"    p50 difference (sshdash − ssh): %+.3f ms (target ≤ +0.05 ms)",
			row, len(so), echoBlocks, us(pct(so, 50)), us(pct(so, 99)), us(pct(st, 50)), us(pct(st, 99)),
			float64(pct(so, 50)-pct(st, 50))/1e6)
		b.ReportMetric(float64(pct(so, 50).Nanoseconds())/1e3, "sshdash-"+reattach+"-p50-us")
		b.ReportMetric(float64(pct(st, 50).Nanoseconds())/1e3, "openssh-"+reattach+"-p50-us")
	}
	load, _ := os.ReadFile("/proc/loadavg")
	b.Logf("load average at the end: %s", strings.Join(strings.Fields(string(load))[:3], " "))
}

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
