package attach

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/sshdash/sshdash/session"
	"github.com/sshdash/sshdash/watch"
)

// Session is what attaching needs from a session. *session.Session
// implements it; tests use a fake.
type Session interface {
	ID() int
	Status() session.Status
	// Attach writes a full redraw of the session's screen to w and then
	// streams live output to w until the returned stop function is called.
	// Redraw and the switch to live output are atomic: no byte is lost or
	// doubled.
	Attach(w io.Writer) (stop func())
	// Leave ends live output to w as stop does and returns, computed
	// atomically with that, the bytes that hand the terminal back in its
	// default state with the cursor where the remote's output ended
	// (modes the remote left set are undone; see vt.Screen.Leave). With
	// freshLine a cursor inside a line goes on to the start of the next.
	Leave(w io.Writer, freshLine bool) []byte
	// Write sends keystrokes to the remote PTY. While the link is down it
	// returns an error wrapping session.ErrLinkDown and the keys are dropped.
	Write(p []byte) (int, error)
	// Resize tells the remote PTY the terminal size.
	Resize(cols, rows int)
	// Reconnect asks for an immediate reconnect attempt.
	Reconnect()
	// Done is closed when the session has ended for good.
	Done() <-chan struct{}
}

// Action is why attaching ended.
type Action int

// Reasons an attach ends.
const (
	Detached Action = iota // the user detached (prefix d) or the context ended
	Next                   // prefix n
	Prev                   // prefix p
	Jump                   // prefix 1–9; Result.N
	Close                  // prefix .: the user wants the session closed
	Ended                  // the session ended (remote shell exited, failed, closed)
)

// Result says why attaching ended.
type Result struct {
	Action Action
	N      int // the session position for Jump
}

// Options configure an attach. Terminal is the user's terminal (os.Stdin
// and os.Stdout normally); its file descriptor is put into raw mode.
type Options struct {
	In        *os.File  // terminal input; read through a cancellable reader
	Out       io.Writer // terminal output
	Prefix    byte      // prefix key byte; DefaultPrefix's when zero and PrefixSet is false
	PrefixSet bool      // Prefix was chosen explicitly (needed for ctrl+@ = 0)
	StatusBar bool      // reserve the bottom line for sshdash's status bar
	Alias     string    // shown in the status bar and banners
	Now       func() time.Time
	// Size returns the terminal size; nil means term.GetSize on In.
	Size func() (cols, rows int, err error)
	// Resized delivers a value on every terminal size change; nil means
	// SIGWINCH is watched.
	Resized <-chan os.Signal
	// Notice, when set, is shown on the bottom line right after
	// attaching (e.g. "2 detached sessions on HOST…"), until a key is
	// pressed or noticeFor has passed; the screen is then repainted.
	Notice string
	// NoticeLater, when set, may deliver a Notice after attaching (one
	// that was not known yet); "" means none. It is read once.
	NoticeLater <-chan string
	// Alerts, when set, delivers watcher alerts (of any session) to put
	// on the terminal while attached: AlertBytes's bytes (bell, desktop
	// notification) and the sentence on the bottom line (alerts.go).
	Alerts     <-chan watch.Alert
	AlertBytes func(watch.Alert) []byte
	// Raw puts the terminal into raw mode and returns the restore func;
	// nil means golang.org/x/term on In (tests pass a no-op).
	Raw func() (restore func(), err error)
	// RawWrite opts in to the timer-bounded raw terminal write
	// (output_linux.go); the default is the ordinary write.
	RawWrite bool
}

// Run attaches the terminal to s until the user detaches, switches or
// closes, or s ends. The terminal is restored on every way out.
func Run(ctx context.Context, s Session, o Options) (res Result, err error) {
	if !o.PrefixSet && o.Prefix == 0 {
		o.Prefix, _ = ParsePrefix(DefaultPrefix)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Size == nil {
		fd := int(o.In.Fd())
		o.Size = func() (int, int, error) { return term.GetSize(fd) }
	}
	if o.Raw == nil {
		fd := int(o.In.Fd())
		o.Raw = func() (func(), error) {
			st, err := term.MakeRaw(fd)
			if err != nil {
				return nil, err
			}
			return func() { _ = term.Restore(fd, st) }, nil
		}
	}
	if o.Resized == nil {
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, syscall.SIGWINCH)
		defer signal.Stop(ch)
		o.Resized = ch
	}

	restore, err := o.Raw()
	if err != nil {
		return Result{}, fmt.Errorf("attach %s: put terminal in raw mode: %w", o.Alias, err)
	}
	defer restore()

	direct := &directKeys{s: s, prefix: o.Prefix}
	keys, err := startTermReader(o.In, direct)
	if err != nil {
		return Result{}, fmt.Errorf("attach %s: read terminal: %w", o.Alias, err)
	}
	defer keys.stop()

	// One writer for the session's output and ours (see output.go),
	// closed after both are done with it.
	out := openOutput(o.Out, o.RawWrite)
	defer out.Close()
	o.Out = out

	a := &attached{s: s, o: o, parser: keyParser{prefix: o.Prefix}, direct: direct}
	a.resize()
	a.w = a.output()
	a.stop = s.Attach(a.w)
	defer func() { a.leave(res.Action != Ended) }()
	return a.loop(ctx, keys)
}

// leave stops the session's output to the terminal and hands the terminal
// back: the remote's modes undone and the cursor where its output ended
// (Session.Leave), then sshdash's own leftovers: the scroll region the
// status bar kept, and the status bar or banner on the bottom line. Those
// are done under DECSC/DECRC, which at that point save and restore only
// the cursor position and default state (DECSTBM homes the cursor).
//
// When the session ended, the cursor stays exactly where the remote left it,
// as ssh leaves it. Otherwise the dashboard follows, and the terminal's
// main screen keeps this session's last screen until sshdash quits: with
// freshLine the user's shell prompt then starts on the line below the
// remote's output, not after the remote's own prompt.
func (a *attached) leave(freshLine bool) {
	if a.view != nil {
		// Put the session's screen back first: Leave's bytes assume it.
		a.view = nil
		a.redraw()
	}
	b := a.s.Leave(a.w, freshLine)
	a.stop()
	if a.statusBar() || a.banner {
		b = append(b, "\x1b7"...)
		if a.statusBar() {
			b = append(b, "\x1b[r"...)
		}
		b = append(b, fmt.Sprintf("\x1b[%d;1H\x1b[2K\x1b8", a.rows)...)
	}
	if a.banner {
		b = append(b, "\x1b[?25h"...) // the banner hid the cursor
	}
	_, _ = a.o.Out.Write(b)
}

// attached is the state of one attach; used only by Run's goroutine.
type attached struct {
	s          Session
	o          Options
	parser     keyParser
	direct     *directKeys // the terminal reader's path for plain keys (fastkeys.go)
	stop       func()      // ends live output to w
	w          io.Writer   // where the session's output goes (see output)
	cols, rows int
	banner     bool        // a link-down banner or help overlay covers the bottom line
	help       bool        // the help overlay is shown
	view       *scrollView // the scrollback view, when open
	asking     bool        // "reconnect replaces the shell: y/n" is on the bottom line
	keysLost   int         // keystroke reads dropped while the link was down
	lastStatus string      // the status bar as last drawn ("" forces a redraw)
	lastBytes  uint64      // output bytes when it was drawn: the remote may have erased it since
	// noticeShown: the session's notice is on the bottom line; noticeOff is
	// the NoticeAt of the last notice dismissed (see notice.go).
	noticeShown bool
	noticeOff   time.Time
	// Options.Notice (a message of the command's, e.g. detached sessions):
	noticeEnd time.Time // Options.Notice is on the bottom line until then (zero: not shown)
	// noticeWait: Options.Notice is still to be shown, once the remote's
	// first screen has been drawn (its output quiet for a tick), so that
	// the remote's clear does not wipe it; noticeBytes is the output count
	// at the last tick, noticeFrom when attaching began.
	noticeWait  bool
	noticeBytes uint64
	noticeFrom  time.Time
	// alertSeqs are alert notifications not yet written; alertText the
	// latest alert's sentence not yet shown (alerts.go).
	alertSeqs [][]byte
	alertText string
}

// noticeFor is how long Options.Notice stays on the bottom line.
const noticeFor = 8 * time.Second

// pendNotice arms Options.Notice, shown by drawChrome once the remote's
// output has been quiet for a tick (and at least noticeQuiet has passed),
// or after noticeWaitMax whatever the output.
func (a *attached) pendNotice() {
	if a.o.Notice == "" {
		return
	}
	a.noticeWait, a.noticeFrom = true, a.o.Now()
	a.noticeBytes = a.s.Status().BytesIn
}

// takeNoticeLater arms a notice that arrived on Options.NoticeLater.
func (a *attached) takeNoticeLater() {
	if a.o.NoticeLater == nil || a.noticeWait || !a.noticeEnd.IsZero() {
		return
	}
	select {
	case n := <-a.o.NoticeLater:
		a.o.NoticeLater = nil
		a.o.Notice = n
		a.pendNotice()
	default:
	}
}

// Bounds of the wait before Options.Notice is shown.
const (
	noticeQuiet   = 500 * time.Millisecond
	noticeWaitMax = 4 * time.Second
)

// showNotice draws Options.Notice over the bottom line, through the
// session so that the remote's cursor and attributes are put back.
func (a *attached) showNotice() {
	ow, ok := a.s.(OverlayWriter)
	if !ok {
		a.noticeWait = false
		return
	}
	if ow.WriteOverlay([]byte(bottomLine(a.cols, a.rows, a.o.Notice, false))) {
		a.noticeWait = false
		a.noticeEnd = a.o.Now().Add(noticeFor)
	}
}

// endNotice repaints the screen the notice covered; it reports whether
// the notice was shown.
func (a *attached) endNotice() bool {
	if a.noticeEnd.IsZero() {
		return false
	}
	a.noticeEnd = time.Time{}
	a.redraw()
	return true
}

// statusBar reports whether the bottom line is sshdash's.
func (a *attached) statusBar() bool { return a.o.StatusBar && a.rows > 2 }

// output is where the session's screen goes: the terminal, through a
// margin writer when the bottom line is the status bar's.
func (a *attached) output() io.Writer {
	if a.statusBar() {
		return newMarginWriter(a.o.Out, a.rows-1)
	}
	return a.o.Out
}

func (a *attached) loop(ctx context.Context, keys *termReader) (Result, error) {
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	a.drawChrome()
	a.pendNotice()
	for {
		// Every case starts with pause: the reader's direct path is on
		// only while the loop waits in the plain state.
		a.direct.resume(a.plain())
		select {
		case <-ctx.Done():
			a.direct.pause()
			return Result{Action: Detached}, nil
		case <-a.s.Done():
			a.direct.pause()
			return Result{Action: Ended}, nil
		case <-a.o.Resized:
			a.direct.pause()
			a.resize()
			if a.view != nil {
				a.drawView()
			} else {
				a.redraw()
			}
		case al := <-a.o.Alerts:
			a.direct.pause()
			a.takeAlert(al)
		case <-tick.C:
			a.direct.pause()
			a.flushAlerts()
			a.takeNoticeLater()
			if a.view == nil {
				a.drawChrome()
			}
		case p := <-keys.reads:
			a.direct.pause()
			if res, done := a.input(p); done {
				return res, nil
			}
		case <-keys.eof: // in raw mode: the terminal hung up
			a.direct.pause()
			return Result{Action: Detached}, errors.New("terminal input closed")
		case err := <-keys.err:
			a.direct.pause()
			return Result{Action: Detached}, fmt.Errorf("terminal input closed: %w", err)
		}
	}
}

// input handles one read of keys; it reports whether attaching ends.
func (a *attached) input(p []byte) (Result, bool) {
	// Any key takes a shown notice away (the key still counts). One still
	// waiting stays: the terminal's answers to the remote's queries
	// arrive as input right after attaching.
	a.endNotice()
	if a.view != nil {
		a.scrollKeys(p)
		return Result{}, false
	}
	if a.asking {
		a.answerReconnect(p)
		return Result{}, false
	}
	a.dismissNotice()
	if a.help {
		// Any key dismisses the help overlay.
		a.help = false
		a.redraw()
		return Result{}, false
	}
	for _, seg := range a.parser.Feed(p) {
		switch seg.Cmd {
		case CmdNone:
			if _, err := a.s.Write(seg.Data); err != nil {
				a.keysLost++
				a.drawChrome()
			}
		case CmdDetach:
			return Result{Action: Detached}, true
		case CmdNext:
			return Result{Action: Next}, true
		case CmdPrev:
			return Result{Action: Prev}, true
		case CmdJump:
			return Result{Action: Jump, N: seg.N}, true
		case CmdClose:
			return Result{Action: Close}, true
		case CmdReconnect:
			if a.askReconnect() {
				// The rest of this read is the answer's, or dropped.
				return Result{}, false
			}
			a.s.Reconnect()
		case CmdHelp:
			a.help = true
			io.WriteString(a.o.Out, helpOverlay(a.cols, a.rows, a.o.Prefix))
		case CmdScrollback:
			a.openScroll()
			// The rest of this read belongs to the view.
			return Result{}, false
		case CmdUnknown:
		}
	}
	return Result{}, false
}

// resize reads the terminal size and tells the remote, minus the status bar.
func (a *attached) resize() {
	cols, rows, err := a.o.Size()
	if err != nil || cols <= 0 || rows <= 0 {
		cols, rows = 80, 24
	}
	a.cols, a.rows = cols, rows
	remote := rows
	if a.statusBar() {
		remote = rows - 1
	}
	a.s.Resize(cols, remote)
}

// redraw repaints the session's screen from its emulator.
func (a *attached) redraw() {
	a.stop()
	a.banner = false
	a.lastStatus = ""
	a.w = a.output()
	a.stop = a.s.Attach(a.w)
	a.drawChrome()
}

// linkDown reports whether keystrokes cannot reach the remote now.
func linkDown(st session.State) bool {
	switch st {
	case session.Up, session.Stale:
		return false
	}
	return true
}

// drawChrome draws the status bar (when enabled) or the link-down banner,
// and repaints the screen when the link comes back.
func (a *attached) drawChrome() {
	st := a.s.Status()
	down := linkDown(st.State)
	if !a.noticeEnd.IsZero() && (down || !a.o.Now().Before(a.noticeEnd)) && a.endNotice() {
		return // redraw drew the chrome
	}
	if !a.noticeEnd.IsZero() {
		return // the notice covers the bottom line (and the status bar)
	}
	if a.noticeWait && !down {
		since := a.o.Now().Sub(a.noticeFrom)
		if (st.BytesIn == a.noticeBytes && since >= noticeQuiet) || since >= noticeWaitMax {
			a.showNotice()
			if !a.noticeEnd.IsZero() {
				return
			}
		}
		a.noticeBytes = st.BytesIn
	}
	if !down && a.banner {
		// The link is back: the banner covered remote content; repaint it.
		a.keysLost = 0
		a.redraw()
		return
	}
	switch {
	case down:
		a.banner = true
		io.WriteString(a.o.Out, bottomLine(a.cols, a.rows, bannerText(st, a.o.Now(), a.keysLost, a.o.Prefix), true))
	case (a.statusBar() || a.noticeText(st) != "") && !a.help:
		// While the link is up, remote output owns the cursor: the status
		// bar (or the notice, which takes its place) is drawn through the
		// session so it is never interleaved with a half-written escape
		// sequence. Redrawn when its text changed or output arrived since
		// (a remote "clear" or tmux's redraw erases the whole screen,
		// status line included).
		text := statusText(a.o.Alias, st, a.o.Prefix)
		if n := a.noticeText(st); n != "" {
			text, a.noticeShown = n, true
		}
		if ow, ok := a.s.(OverlayWriter); ok && (text != a.lastStatus || st.BytesIn != a.lastBytes) {
			if ow.WriteOverlay([]byte(bottomLine(a.cols, a.rows, text, false))) {
				a.lastStatus, a.lastBytes = text, st.BytesIn
			}
		}
	}
}

// OverlayWriter is implemented by sessions that can draw over the live
// screen safely: between complete output writes, restoring the cursor and
// attributes the remote program expects afterwards.
type OverlayWriter interface {
	// WriteOverlay draws p unless that is not safe right now (an output
	// sequence is incomplete); it reports whether it drew.
	WriteOverlay(p []byte) bool
}
