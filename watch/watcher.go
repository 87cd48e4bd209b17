package watch

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sshdash/sshdash/keepalive"
)

// Bounds of the match watcher.
const (
	// matchEvery is the least time between two match alerts of one
	// session: the first matching line is reported at once, the lines
	// that match in the next matchEvery are counted and reported as one
	// alert when it has passed. A burst of a thousand matching lines
	// therefore makes two alerts.
	matchEvery = 5 * time.Second
	// repeatWindow: a line identical to one reported this recently is not
	// reported again. The remote tmux redraws the screen (on reattach,
	// on resize), which repeats the lines already on it.
	repeatWindow = 10 * time.Minute
	// recentLines bounds the lines remembered for repeatWindow.
	recentLines = 64
	// maxPending bounds the output waiting for the watcher's goroutine;
	// beyond it output is dropped (the line across the gap is skipped)
	// rather than ever slowing the session.
	maxPending = 256 << 10
	// maxShown bounds the text of a line quoted in an alert.
	maxShown = 120
)

// Config is what a Watcher needs besides its Spec.
type Config struct {
	ID    int    // the session's ID, copied into each Alert
	Alias string // the session's host, copied into each Alert
	// Clock drives silence and rate limits; nil means the real clock.
	Clock keepalive.Clock
	// Post receives each alert. It is called from the Watcher's
	// goroutine and from the session's (state changes) and must not
	// block (Center.Post does not).
	Post func(Alert)
}

// Bits of Watcher.want: what Output must do.
const (
	wantBytes    = 1 << iota // a match watcher needs the bytes
	wantActivity             // a silence watcher needs to know output came
)

// Watcher evaluates one session's watchers. Its input methods (Output,
// Up, Down, Failed, Exited) never block: Output copies into a bounded
// buffer that the Watcher's own goroutine reads, so a slow regular
// expression or a flood of output never slows the session. Set changes
// the watchers at any time. Close ends the goroutine; it is idempotent.
type Watcher struct {
	cfg   Config
	clock keepalive.Clock

	want atomic.Uint32 // wantBytes | wantActivity, read by Output without mu

	mu       sync.Mutex // guards the fields below
	spec     Spec
	pending  []byte // output not yet read by the goroutine
	lost     bool   // output was dropped since the goroutine last read
	activity bool   // output came since the goroutine last read
	changed  bool   // Set was called since the goroutine last read
	up       bool   // the session is up now
	down     bool   // it went down after being up and is not back yet
	downAt   time.Time
	// ch: the goroutine was started, with these channels. It starts with
	// the first spec that needs output or timers (match, silence): a
	// session watched for nothing, as most are, costs no goroutine (a
	// thousand sessions held a thousand idle ones) and no channels (ch
	// is nil). closed: Close was called; nothing starts it.
	ch     *runChans
	closed bool
}

// runChans are the channels of a Watcher's goroutine, made when it starts.
type runChans struct {
	wake  chan struct{} // buffered 1: something to read
	syncc chan chan struct{}
	stop  chan struct{}
	done  chan struct{}
}

// New starts a Watcher with spec.
func New(cfg Config, spec Spec) *Watcher {
	clk := cfg.Clock
	if clk == nil {
		clk = keepalive.RealClock{}
	}
	if cfg.Post == nil {
		cfg.Post = func(Alert) {}
	}
	w := &Watcher{cfg: cfg, clock: clk, spec: spec}
	w.want.Store(wants(spec))
	w.mu.Lock()
	w.startLocked()
	w.mu.Unlock()
	return w
}

// startLocked starts the goroutine if the spec needs it and it is not
// running (w.mu held). State changes (drop, back, fail, exit) are handled
// on the caller's goroutine and need none.
func (w *Watcher) startLocked() {
	if w.ch != nil || w.closed || wants(w.spec) == 0 {
		return
	}
	w.ch = &runChans{wake: make(chan struct{}, 1), syncc: make(chan chan struct{}), stop: make(chan struct{}), done: make(chan struct{})}
	go w.run(w.ch)
}

func wants(s Spec) uint32 {
	var b uint32
	if s.Match != nil {
		b |= wantBytes
	}
	if s.Silence > 0 {
		b |= wantActivity
	}
	return b
}

// Spec returns the current watchers.
func (w *Watcher) Spec() Spec {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.spec
}

// Set replaces the watchers. A match watcher reads the output that
// follows the call.
func (w *Watcher) Set(s Spec) {
	w.mu.Lock()
	w.spec, w.changed, w.lost = s, true, false
	w.pending = w.pending[:0]
	w.want.Store(wants(s))
	w.startLocked()
	ch := w.ch
	w.mu.Unlock()
	ch.signal()
}

// signal wakes the goroutine; nil (not started): nothing to wake.
func (ch *runChans) signal() {
	if ch == nil {
		return
	}
	select {
	case ch.wake <- struct{}{}:
	default:
	}
}

// Output receives bytes the session printed. It never blocks: it copies p
// (only while a match watcher is on) and wakes the goroutine.
func (w *Watcher) Output(p []byte) {
	want := w.want.Load()
	if want == 0 || len(p) == 0 {
		return
	}
	w.mu.Lock()
	w.activity = true
	if want&wantBytes != 0 {
		if len(w.pending)+len(p) > maxPending {
			w.lost = true
		} else {
			w.pending = append(w.pending, p...)
		}
	}
	ch := w.ch
	w.mu.Unlock()
	ch.signal()
}

// Up says the session is up (first connection or back after a drop).
func (w *Watcher) Up() {
	w.mu.Lock()
	back := w.down
	downFor := w.clock.Now().Sub(w.downAt)
	w.up, w.down = true, false
	fire := back && w.spec.Back
	w.mu.Unlock()
	if fire {
		w.post(KindBack, fmt.Sprintf("back up after %s down", roundDur(downFor)))
	}
}

// Down says the session's link went down (dropped, reconnecting); cause
// may be nil. Only the first Down after the session was up counts.
func (w *Watcher) Down(cause error) {
	w.mu.Lock()
	wasUp := w.up
	if wasUp {
		w.up, w.down, w.downAt = false, true, w.clock.Now()
	}
	fire := wasUp && w.spec.Drop
	w.mu.Unlock()
	if fire {
		text := "dropped"
		if cause != nil {
			text += ": " + oneLine(cause.Error())
		}
		w.post(KindDrop, text)
	}
}

// Failed says the session failed for good; cause may be nil.
func (w *Watcher) Failed(cause error) {
	w.mu.Lock()
	w.up, w.down = false, false
	fire := w.spec.Fail
	w.mu.Unlock()
	if fire {
		text := "failed"
		if cause != nil {
			text += ": " + oneLine(cause.Error())
		}
		w.post(KindFail, text)
	}
}

// Exited says the remote command exited with status.
func (w *Watcher) Exited(status int) {
	w.mu.Lock()
	w.up, w.down = false, false
	fire := w.spec.Exit
	w.mu.Unlock()
	if fire {
		w.post(KindExit, fmt.Sprintf("the remote command exited with status %d", status))
	}
}

// Close stops the Watcher's goroutine and waits for it. Alerts already
// posted stay posted; nothing is posted after Close returns.
func (w *Watcher) Close() {
	w.mu.Lock()
	first := !w.closed
	w.closed = true
	ch := w.ch
	w.mu.Unlock()
	if ch == nil {
		return
	}
	if first {
		close(ch.stop)
	}
	<-ch.done
}

func (w *Watcher) post(k Kind, text string) {
	w.cfg.Post(Alert{ID: w.cfg.ID, Alias: w.cfg.Alias, Kind: k, Text: text, At: w.clock.Now()})
}

// settle waits until the goroutine has read everything given to the
// Watcher so far and handled the timers that have fired (tests).
func (w *Watcher) settle() {
	w.mu.Lock()
	ch := w.ch
	w.mu.Unlock()
	if ch == nil {
		return
	}
	ack := make(chan struct{})
	select {
	case ch.syncc <- ack:
		<-ack
	case <-ch.done:
	}
}

// loop is the state of the Watcher's goroutine.
type loop struct {
	w     *Watcher
	split lineSplitter
	buf   []byte
	spec  Spec
	match *matcher // for spec.Match

	silence      keepalive.Timer
	silenceArmed bool

	rate       keepalive.Timer
	rateArmed  bool
	quietUntil time.Time // no match alert before then
	more       int       // matching lines counted since the last alert
	moreLast   string
	recent     []seenLine
}

type seenLine struct {
	text string
	at   time.Time
}

func (w *Watcher) run(ch *runChans) {
	defer close(ch.done)
	l := &loop{w: w, silence: w.clock.NewTimer(time.Hour), rate: w.clock.NewTimer(time.Hour)}
	l.silence.Stop()
	l.rate.Stop()
	defer l.silence.Stop()
	defer l.rate.Stop()
	for {
		select {
		case <-ch.stop:
			return
		case <-ch.wake:
			l.read()
		case <-l.silence.C():
			l.silent()
		case <-l.rate.C():
			l.flushMore()
		case ack := <-ch.syncc:
			l.read()
			select {
			case <-l.silence.C():
				l.silent()
			default:
			}
			select {
			case <-l.rate.C():
				l.flushMore()
			default:
			}
			close(ack)
		}
	}
}

// read takes the pending output and evaluates it.
func (l *loop) read() {
	w := l.w
	w.mu.Lock()
	l.buf, w.pending = w.pending, l.buf[:0]
	lost, activity, changed := w.lost, w.activity, w.changed
	w.lost, w.activity, w.changed = false, false, false
	l.spec = w.spec
	w.mu.Unlock()
	if l.match == nil || l.match.re != l.spec.Match {
		l.match = newMatcher(l.spec.Match)
	}

	if changed && l.spec.Silence <= 0 && l.silenceArmed {
		l.silence.Stop()
		l.silenceArmed = false
	}
	if changed {
		l.split.clear()
	}
	if lost {
		l.split.reset()
	}
	if l.spec.Match != nil && len(l.buf) > 0 {
		l.split.feed(l.buf, l.line)
	}
	if activity && l.spec.Silence > 0 {
		l.silence.Reset(l.spec.Silence)
		l.silenceArmed = true
	}
}

func (l *loop) silent() {
	if !l.silenceArmed || l.spec.Silence <= 0 {
		return
	}
	l.silenceArmed = false
	l.w.mu.Lock()
	up := l.w.up
	l.w.mu.Unlock()
	if up { // a session that is down is silent for that reason: drop says so
		l.w.post(KindSilence, "silent for "+roundDur(l.spec.Silence))
	}
}

// line evaluates one complete line against the match watcher.
func (l *loop) line(b []byte) {
	if !l.match.match(b) {
		return
	}
	text := strings.TrimRight(string(b), " ")
	now := l.w.clock.Now()
	for i := range l.recent {
		if l.recent[i].text == text && now.Sub(l.recent[i].at) < repeatWindow {
			return
		}
	}
	if len(l.recent) == recentLines {
		l.recent = append(l.recent[:0], l.recent[1:]...)
	}
	l.recent = append(l.recent, seenLine{text, now})
	if now.Before(l.quietUntil) {
		l.more++
		l.moreLast = text
		if !l.rateArmed {
			l.rate.Reset(l.quietUntil.Sub(now))
			l.rateArmed = true
		}
		return
	}
	l.quietUntil = now.Add(matchEvery)
	l.w.post(KindMatch, "output matched: "+shown(text))
}

// flushMore reports the lines counted while match alerts were held back.
func (l *loop) flushMore() {
	l.rateArmed = false
	if l.more == 0 {
		return
	}
	n, last := l.more, l.moreLast
	l.more, l.moreLast = 0, ""
	l.quietUntil = l.w.clock.Now().Add(matchEvery)
	word := "lines"
	if n == 1 {
		word = "line"
	}
	l.w.post(KindMatch, fmt.Sprintf("%d more %s matched (the last: %s)", n, word, shown(last)))
}

// shown is a line as quoted in an alert: at most maxShown runes.
func shown(s string) string {
	r := []rune(s)
	if len(r) > maxShown {
		return string(r[:maxShown-1]) + "…"
	}
	return s
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// roundDur is d rounded for a sentence: "12s", "1m30s", "850ms".
func roundDur(d time.Duration) string {
	switch {
	case d >= time.Minute:
		return d.Round(time.Second).String()
	case d >= time.Second:
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Millisecond).String()
}
