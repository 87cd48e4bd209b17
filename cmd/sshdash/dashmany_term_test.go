package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/sshdash/sshdash/session/vt"
)

// dashTerm is the real dashboard in a PTY, its output fed to an emulator
// by one reader goroutine. A waiter's condition is checked by that reader
// on every chunk, so the time it records is when the bytes arrived, not
// when the benchmark looked.
type dashTerm struct {
	b    testing.TB
	cmd  *exec.Cmd
	f    *os.File
	done chan struct{} // closed when the reader has seen EOF

	mu  sync.Mutex // guards scr, w and tail
	scr *vt.Screen
	w   *termWaiter
	// tail is the last bytes the dashboard wrote (at most tailMax), for
	// what scrolled off the screen: a goroutine dump, say.
	tail []byte
}

// termWaiter is one condition the reader checks on each chunk: on the raw
// chunk, or (scr) on the screen after the chunk.
type termWaiter struct {
	raw  func(chunk []byte) bool
	scr  func(lines []string) bool
	hit  chan time.Time
	done bool
}

func startDashTerm(b testing.TB, bin string, env []string, cols, rows int, args ...string) *dashTerm {
	b.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
	if err != nil {
		b.Fatal(err)
	}
	t := &dashTerm{b: b, cmd: cmd, f: f, done: make(chan struct{}), scr: vt.New(cols, rows)}
	go t.read()
	return t
}

func (t *dashTerm) read() {
	defer close(t.done)
	buf := make([]byte, 256<<10)
	for {
		n, err := t.f.Read(buf)
		if n > 0 {
			now := time.Now()
			t.mu.Lock()
			t.scr.Write(buf[:n])
			t.tail = append(t.tail, buf[:n]...)
			if len(t.tail) > 2*tailMax {
				t.tail = append(t.tail[:0], t.tail[len(t.tail)-tailMax:]...)
			}
			if w := t.w; w != nil && !w.done {
				ok := false
				if w.raw != nil {
					ok = w.raw(buf[:n])
				} else {
					ok = w.scr(t.scr.Lines())
				}
				if ok {
					w.done = true
					w.hit <- now
				}
			}
			t.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// arm sets the condition the reader checks from now on.
func (t *dashTerm) arm(w *termWaiter) *termWaiter {
	w.hit = make(chan time.Time, 1)
	t.mu.Lock()
	t.w = w
	if w.scr != nil && w.scr(t.scr.Lines()) {
		w.done = true
		w.hit <- time.Now()
	}
	t.mu.Unlock()
	return w
}

// wait waits for an armed condition; on timeout it fails with the screen
// and all goroutine stacks.
func (t *dashTerm) wait(w *termWaiter, what string, limit time.Duration) time.Time {
	t.b.Helper()
	select {
	case at := <-w.hit:
		return at
	case <-time.After(limit):
		t.fail("no %s within %v", what, limit)
	case <-t.done:
		t.fail("the dashboard ended while waiting for %s", what)
	}
	return time.Time{}
}

// waitScreen waits until cond holds for the screen.
func (t *dashTerm) waitScreen(what string, limit time.Duration, cond func([]string) bool) time.Time {
	t.b.Helper()
	return t.wait(t.arm(&termWaiter{scr: cond}), what, limit)
}

func (t *dashTerm) fail(format string, args ...any) {
	t.b.Helper()
	var st bytes.Buffer
	pprof.Lookup("goroutine").WriteTo(&st, 2)
	t.b.Fatalf("%s\nscreen:\n%s\ngoroutines of the benchmark:\n%s", fmt.Sprintf(format, args...), t.screenText(), st.Bytes())
}

func (t *dashTerm) lines() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.scr.Lines()
}

func (t *dashTerm) screenText() string {
	var b bytes.Buffer
	for _, l := range t.lines() {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

func (t *dashTerm) send(s string) {
	if _, err := t.f.Write([]byte(s)); err != nil {
		t.b.Fatalf("writing %q to the dashboard's terminal: %v", s, err)
	}
}

var (
	summaryRe = regexp.MustCompile(`(\d+) (up|stale|dropped|reconnecting|connecting|failed|needs you)`)
	cursorRe  = regexp.MustCompile(`▸[✓ ] (?:\S| ) (b\d+)`)
)

// openAll marks every host (*) and opens them (o), waits up to limit for
// the tab bar to count n up, fails if any failed, and returns the time
// from o until all were up.
func (t *dashTerm) openAll(n int, limit time.Duration) time.Duration {
	t.send("*")
	t.waitScreen("all hosts marked", 30*time.Second, func(l []string) bool {
		return strings.Contains(strings.Join(l, "\n"), fmt.Sprintf("%d selected", n))
	})
	t0 := time.Now()
	t.send("o")
	t.waitScreen("all sessions up", limit, func(l []string) bool {
		s := summary(l)
		return s["up"] == n || s["failed"] > 0 // a failure is reported below
	})
	up := time.Since(t0)
	if s := summary(t.lines()); s["failed"] > 0 {
		t.fail("%d sessions failed to open", s["failed"])
	}
	return up
}

// summary reads the tab bar's counts of sessions per state.
func summary(lines []string) map[string]int {
	out := map[string]int{}
	if len(lines) == 0 {
		return out
	}
	for _, m := range summaryRe.FindAllStringSubmatch(lines[0], -1) {
		n, _ := strconv.Atoi(m[1])
		out[m[2]] += n
	}
	return out
}

// hostCursor is the alias under the hosts pane's cursor.
func hostCursor(lines []string) string {
	for _, l := range lines {
		if m := cursorRe.FindStringSubmatch(l); m != nil {
			return m[1]
		}
	}
	return ""
}

// latencies summarizes samples as p50 and p99.
func latencies(d []time.Duration) (p50, p99 time.Duration) {
	if len(d) == 0 {
		return 0, 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[(len(s)-1)*50/100], s[(len(s)-1)*99/100]
}

func msf(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// altScreen says whether the terminal is on the alternate screen.
func (t *dashTerm) altScreen() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.scr.AltScreen()
}

// tailMax is how much of the dashboard's output a dashTerm keeps raw.
const tailMax = 256 << 10

// rawTail is the last of the dashboard's output, as written (at most
// tailMax bytes).
func (t *dashTerm) rawTail() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.tail[max(0, len(t.tail)-tailMax):])
}
