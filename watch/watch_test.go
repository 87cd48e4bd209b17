package watch

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sshdash/sshdash/keepalive/clocktest"
)

// collector gathers posted alerts.
type collector struct {
	mu     sync.Mutex // guards alerts
	alerts []Alert
}

func (c *collector) post(a Alert) {
	c.mu.Lock()
	c.alerts = append(c.alerts, a)
	c.mu.Unlock()
}

func (c *collector) take() []Alert {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.alerts
	c.alerts = nil
	return out
}

// start returns a Watcher on a fake clock; it is closed with the test.
func start(t *testing.T, items ...string) (*Watcher, *clocktest.Clock, *collector) {
	t.Helper()
	spec, err := Parse(items)
	if err != nil {
		t.Fatal(err)
	}
	clk := clocktest.New(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	c := &collector{}
	w := New(Config{ID: 7, Alias: "web1", Clock: clk, Post: c.post}, spec)
	t.Cleanup(w.Close)
	return w, clk, c
}

// settle waits for the watcher's goroutine, failing with every
// goroutine's stack if it does not answer.
func settle(t *testing.T, w *Watcher) {
	t.Helper()
	done := make(chan struct{})
	go func() { w.settle(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = pprof.Lookup("goroutine").WriteTo(os.Stderr, 2)
		t.Fatal("watcher did not settle in 10 s")
	}
}

func texts(as []Alert) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Kind.String() + ": " + a.Text
	}
	return out
}

func TestParse(t *testing.T) {
	s, err := Parse([]string{"drop", " back", "FAIL", "exit", "silence=30s", "match=ERROR|panic"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.String(), "drop, back, fail, exit, silence=30s, match=ERROR|panic"; got != want {
		t.Fatalf("String = %q, want %q", got, want)
	}
	again, err := Parse(s.Items())
	if err != nil || !again.Equal(s) {
		t.Fatalf("Items do not parse back: %v %v", again, err)
	}
	if !(Spec{}).Empty() || (Spec{}).String() != "none" {
		t.Fatal("zero Spec is not empty")
	}
	for _, tc := range []struct{ item, want string }{
		{"match=ERROR(", "invalid regular expression"},
		{"match=", "want match=REGEXP"},
		{"silence=abc", "want silence=DURATION"},
		{"silence=10ms", "from 1s to 24h0m0s"},
		{"drop=yes", "takes no value"},
		{"loud", `unknown watcher "loud"`},
		{"", "empty watcher item"},
	} {
		_, err := Parse([]string{tc.item})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want an error with %q", tc.item, err, tc.want)
		}
	}
	if _, err := Parse([]string{"drop", "drop"}); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("a repeated item: %v", err)
	}
}

func TestMatchLineSplitAcrossReads(t *testing.T) {
	w, _, c := start(t, "match=^DEPLOY-42$")
	w.Up()
	w.Output([]byte("$ echo DEPLOY-$((6*7))\r\nDEP"))
	settle(t, w)
	if got := c.take(); len(got) != 0 {
		t.Fatalf("alert before the line was complete: %v", texts(got))
	}
	w.Output([]byte("LOY-4"))
	w.Output([]byte("2\r"))
	w.Output([]byte("\n$ "))
	settle(t, w)
	got := c.take()
	if len(got) != 1 || got[0].Kind != KindMatch || got[0].Text != "output matched: DEPLOY-42" || got[0].ID != 7 || got[0].Alias != "web1" {
		t.Fatalf("alerts = %+v, want one match of DEPLOY-42", got)
	}
	if m := got[0].Message(); m != "web1: output matched: DEPLOY-42" {
		t.Fatalf("Message = %q", m)
	}
}

func TestMatchIgnoresEscapesAndSeesRedrawnLines(t *testing.T) {
	w, _, c := start(t, "match=^ERROR: disk full$")
	// Colour, an OSC title split across reads, and erase-line inside the
	// line; a line drawn by cursor positioning, as the remote tmux does.
	w.Output([]byte("\x1b]0;ti"))
	w.Output([]byte("tle\a\x1b[31mERROR\x1b[0m: disk\x1b[K"))
	w.Output([]byte("\x1b[1C"))
	w.Output([]byte("full\r\n"))
	settle(t, w)
	if got := c.take(); len(got) != 1 {
		t.Fatalf("coloured line: alerts = %v, want 1", texts(got))
	}
	w2, _, c2 := start(t, "match=^DEPLOY-42$")
	w2.Output([]byte("\x1b[4;1H$ ls\x1b[K\x1b[5;1HDEPLOY-42\x1b[K\x1b[6;1H$ \x1b[?25h"))
	settle(t, w2)
	if got := c2.take(); len(got) != 1 || got[0].Text != "output matched: DEPLOY-42" {
		t.Fatalf("positioned line: alerts = %v, want 1", texts(got))
	}
}

func TestMatchBurstIsBounded(t *testing.T) {
	w, clk, c := start(t, "match=ERROR")
	var b strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&b, "ERROR number %d\r\n", i)
	}
	w.Output([]byte(b.String()))
	settle(t, w)
	got := c.take()
	if len(got) != 1 || got[0].Text != "output matched: ERROR number 0" {
		t.Fatalf("burst: first alerts = %v, want only the first line", texts(got))
	}
	clk.Advance(matchEvery)
	settle(t, w)
	got = c.take()
	if len(got) != 1 || got[0].Text != "999 more lines matched (the last: ERROR number 999)" {
		t.Fatalf("after the pause: alerts = %v, want one summary", texts(got))
	}
	clk.Advance(time.Hour)
	settle(t, w)
	if got := c.take(); len(got) != 0 {
		t.Fatalf("nothing more matched, yet: %v", texts(got))
	}
	// A later line fires at once again.
	w.Output([]byte("ERROR again\n"))
	settle(t, w)
	if got := c.take(); len(got) != 1 {
		t.Fatalf("later line: alerts = %v, want 1", texts(got))
	}
}

func TestMatchFiresOnceForARepeatedLine(t *testing.T) {
	w, clk, c := start(t, "match=DONE")
	w.Output([]byte("build DONE\r\n"))
	settle(t, w)
	clk.Advance(time.Minute)
	// The remote tmux redraws the screen on reattach: the same line again.
	w.Output([]byte("\x1b[H\x1b[2Jbuild DONE\x1b[K\x1b[2;1H$ "))
	settle(t, w)
	clk.Advance(time.Minute)
	settle(t, w)
	if got := c.take(); len(got) != 1 {
		t.Fatalf("alerts = %v, want 1", texts(got))
	}
	clk.Advance(repeatWindow)
	w.Output([]byte("build DONE\r\n"))
	settle(t, w)
	if got := c.take(); len(got) != 1 {
		t.Fatalf("after the repeat window: alerts = %v, want 1", texts(got))
	}
}

func TestMatchNeverJoinsAcrossLostOutput(t *testing.T) {
	var s lineSplitter
	var lines []string
	emit := func(b []byte) { lines = append(lines, string(b)) }
	s.feed([]byte("ERR"), emit)
	s.reset()
	s.feed([]byte("OR tail\r\nERROR\r\n"), emit)
	if len(lines) != 1 || lines[0] != "ERROR" {
		t.Fatalf("lines = %q, want only the whole line after the gap", lines)
	}
	// A huge line is cut, and the next one is whole.
	lines = nil
	s.feed([]byte(strings.Repeat("y", 3*maxLine)+"\nnext\n"), emit)
	if len(lines) != 2 || len(lines[0]) != maxLine || lines[1] != "next" {
		t.Fatalf("long line: got %d lines", len(lines))
	}
}

func TestOutputBeyondTheBoundIsDroppedNotQueued(t *testing.T) {
	w, _, c := start(t, "match=^never$")
	big := []byte(strings.Repeat("z", 64<<10))
	for range 64 { // 4 MiB, far past maxPending, without waiting
		w.Output(big)
	}
	w.mu.Lock()
	n := len(w.pending)
	w.mu.Unlock()
	if n > maxPending {
		t.Fatalf("pending %d bytes, bound %d", n, maxPending)
	}
	settle(t, w)
	w.Output([]byte("ver\nnever\n")) // "ver" ends a line cut by the gap
	settle(t, w)
	if got := c.take(); len(got) != 1 {
		t.Fatalf("alerts = %v, want the line after the flood", texts(got))
	}
}

func TestSilence(t *testing.T) {
	w, clk, c := start(t, "silence=30s")
	w.Up()
	clk.Advance(time.Hour)
	settle(t, w)
	if got := c.take(); len(got) != 0 {
		t.Fatalf("silent before any output: %v", texts(got))
	}
	w.Output([]byte("working\r\n"))
	settle(t, w)
	clk.Advance(29 * time.Second)
	settle(t, w)
	w.Output([]byte("still working\r\n")) // activity resets the wait
	settle(t, w)
	clk.Advance(29 * time.Second)
	settle(t, w)
	if got := c.take(); len(got) != 0 {
		t.Fatalf("alert despite activity: %v", texts(got))
	}
	clk.Advance(time.Second)
	settle(t, w)
	got := c.take()
	if len(got) != 1 || got[0].Kind != KindSilence || got[0].Text != "silent for 30s" {
		t.Fatalf("alerts = %v, want one silence", texts(got))
	}
	clk.Advance(time.Hour)
	settle(t, w)
	if got := c.take(); len(got) != 0 {
		t.Fatalf("silence fired twice: %v", texts(got))
	}
	// Down: no silence alert (the drop is the news).
	w.Output([]byte("x"))
	settle(t, w)
	w.Down(nil)
	clk.Advance(time.Minute)
	settle(t, w)
	if got := c.take(); len(got) != 0 {
		t.Fatalf("silence while down: %v", texts(got))
	}
}

func TestStateWatchers(t *testing.T) {
	w, clk, c := start(t, "drop", "back", "fail", "exit")
	w.Down(errors.New("early")) // never up yet: not a drop
	w.Up()                      // first connection: not "back"
	w.Down(errors.New("connection reset\nby peer"))
	w.Down(errors.New("again")) // reconnecting after the drop: no second alert
	clk.Advance(12 * time.Second)
	w.Up()
	w.Failed(errors.New("host key changed"))
	w.Exited(3)
	want := []string{
		"drop: dropped: connection reset by peer",
		"back: back up after 12s down",
		"fail: failed: host key changed",
		"exit: the remote command exited with status 3",
	}
	if got := texts(c.take()); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("alerts =\n%q\nwant\n%q", got, want)
	}
	// Turned off at run time: nothing.
	w.Set(Spec{})
	w.Up()
	w.Down(nil)
	w.Up()
	w.Exited(0)
	if got := c.take(); len(got) != 0 {
		t.Fatalf("alerts after Set(none): %v", texts(got))
	}
}

func TestSetTurnsMatchOnAndOff(t *testing.T) {
	w, _, c := start(t)
	w.Output([]byte("ERROR before\r\n"))
	settle(t, w)
	spec, _ := Parse([]string{"match=ERROR"})
	w.Set(spec)
	w.Output([]byte("ERROR after\r\n"))
	settle(t, w)
	got := c.take()
	if len(got) != 1 || got[0].Text != "output matched: ERROR after" {
		t.Fatalf("alerts = %v", texts(got))
	}
	if !w.Spec().Equal(spec) {
		t.Fatalf("Spec = %v", w.Spec())
	}
	w.Set(Spec{})
	w.Output([]byte("ERROR off\r\n"))
	settle(t, w)
	if got := c.take(); len(got) != 0 {
		t.Fatalf("alerts when off: %v", texts(got))
	}
}

func TestCloseIsIdempotentAndStopsTheGoroutine(t *testing.T) {
	w, _, _ := start(t, "match=x", "silence=1s")
	w.Close()
	w.Close()
	w.Output([]byte("x\n")) // after Close: no goroutine, never blocks
	w.Up()
	w.Exited(1)
}

// The prefilter never changes the regexp's verdict: the literals it
// requires are right, and patterns it cannot read are left to the regexp.
func TestMatcherPrefilter(t *testing.T) {
	for _, tc := range []struct {
		re   string
		need string // the literals, joined by |; "" none
		yes  []string
		no   []string
	}{
		{"ERROR|panic", "ERROR|panic", []string{"an ERROR here", "panic: x"}, []string{"error", "Panic"}},
		{"^DEPLOY-42$", "DEPLOY-42", []string{"DEPLOY-42"}, []string{"xDEPLOY-42", "DEPLOY-4"}},
		{"DEPLOY-(DONE|FAIL)ED", "DEPLOY-", []string{"DEPLOY-DONEED"}, []string{"DEPLOY-DONE"}},
		{"(?i)error", "", []string{"ErRoR"}, []string{"err"}},
		{"a*", "", []string{"", "b"}, nil},
		{"x[0-9]+y", "x", []string{"x12y"}, []string{"xy", "x1"}},
		{"(ab)+c|d{2,}", "ab|d", []string{"ababc", "ddd"}, []string{"ab", "d"}},
		{`\d+ errors?`, " error", []string{"3 errors"}, []string{"errors"}},
	} {
		m := newMatcher(regexp.MustCompile(tc.re))
		var got []string
		for _, l := range m.need {
			got = append(got, string(l))
		}
		if strings.Join(got, "|") != tc.need {
			t.Errorf("%s: literals %q, want %q", tc.re, got, tc.need)
		}
		for _, s := range tc.yes {
			if !m.match([]byte(s)) {
				t.Errorf("%s does not match %q", tc.re, s)
			}
		}
		for _, s := range tc.no {
			if m.match([]byte(s)) {
				t.Errorf("%s matches %q", tc.re, s)
			}
		}
	}
}

// runningWatchers counts the goroutines running Watcher.run.
func runningWatchers() int {
	var b strings.Builder
	_ = pprof.Lookup("goroutine").WriteTo(&b, 1)
	n := 0
	for _, group := range strings.Split(b.String(), "\n\n") {
		if strings.Contains(group, "watch.(*Watcher).run") {
			var k int
			fmt.Sscanf(group, "%d @", &k)
			n += k
		}
	}
	return n
}

// settledWatchers is runningWatchers once it has read the same three
// times 20 ms apart: a closed watcher's goroutine is still counted for a
// moment after Close returns (it has closed done and is returning), and
// a started one may not be running yet.
func settledWatchers(t *testing.T) int {
	t.Helper()
	last, same := -1, 0
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		n := runningWatchers()
		if n == last {
			if same++; same == 2 {
				return n
			}
		} else {
			last, same = n, 0
		}
	}
	t.Fatalf("the number of watcher goroutines did not settle in 10 s (last %d)", last)
	return 0
}

// running reports whether w started its goroutine.
func running(w *Watcher) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ch != nil
}

// A session watched for nothing, or only for state changes, costs no
// goroutine; the first spec that reads output or needs a timer starts one,
// and Close works either way.
func TestWatcherStartsGoroutineOnlyWhenNeeded(t *testing.T) {
	base := settledWatchers(t)
	var ws []*Watcher
	for range 50 {
		w, _, _ := start(t)
		ws = append(ws, w)
		w2, _, _ := start(t, "drop", "back", "fail", "exit")
		ws = append(ws, w2)
	}
	for _, w := range ws {
		if running(w) {
			t.Fatalf("a watcher for %v started its goroutine", w.Spec())
		}
	}
	if n := settledWatchers(t) - base; n != 0 {
		t.Fatalf("%d watcher goroutines for 100 watchers of nothing or state changes only", n)
	}
	// State watchers still fire without a goroutine.
	w, clk, c := start(t, "drop", "silence=2s")
	if n := settledWatchers(t) - base; !running(w) || n != 1 {
		t.Fatalf("%d watcher goroutines after a silence watcher (its own started: %v), want 1", n, running(w))
	}
	w.Up()
	w.Output([]byte("x"))
	settle(t, w)
	clk.Advance(3 * time.Second)
	settle(t, w)
	w.Down(errors.New("gone"))
	got := texts(c.take())
	if len(got) != 2 || !strings.HasPrefix(got[0], "silence") || !strings.HasPrefix(got[1], "drop") {
		t.Fatalf("alerts = %q", got)
	}
	// Set on a watcher without a goroutine starts it.
	spec, _ := Parse([]string{"match=ERR"})
	ws[0].Set(spec)
	ws[0].Output([]byte("an ERR here\n"))
	settle(t, ws[0])
	for _, w := range ws {
		w.Close()
		w.Close()
	}
	w.Close()
	if n := settledWatchers(t) - base; n != 0 {
		t.Fatalf("%d watcher goroutines left after Close", n)
	}
	ws[1].Set(spec) // after Close: starts nothing
	if running(ws[1]) || settledWatchers(t)-base != 0 {
		t.Fatalf("Set after Close started a goroutine")
	}
}
