package attach

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/sshdash/sshdash/session"
)

// PlainSession is what RunCooked needs from a session without a remote
// terminal. *session.Session implements it.
type PlainSession interface {
	// AttachPlain streams the session's output to w, after what it
	// showed so far as plain lines, without any redraw.
	AttachPlain(w io.Writer) (stop func())
	// Write sends input to the remote program.
	Write(p []byte) (int, error)
	// CloseInput sends EOF to the remote program's input.
	CloseInput() error
	// Done is closed when the session has ended for good.
	Done() <-chan struct{}
	// Status is the session's current state.
	Status() session.Status
}

// RunCooked connects the terminal to a session without a remote terminal
// (RequestTTY no) as ssh -T does: the terminal stays in its own (cooked)
// mode, so it echoes, edits lines and turns Enter into a newline; what is
// typed goes to the remote program a line at a time; ^D (end of file on
// the terminal) sends EOF to it; its output is shown as it comes. The
// terminal's line discipline owns every key (ctrl+c ends sshdash as it
// ends ssh), so sshdash's keys are whole lines: the prefix key then d
// detaches, then . closes, each followed by Enter. It returns Ended when
// the session ends, Detached or Close as asked, or Detached when ctx ends
// first or the terminal's input fails.
func RunCooked(ctx context.Context, s PlainSession, o Options) (Result, error) {
	if !o.PrefixSet && o.Prefix == 0 {
		o.Prefix, _ = ParsePrefix(DefaultPrefix)
	}
	lines, err := startTermReader(o.In, nil)
	if err != nil {
		return Result{}, fmt.Errorf("attach %s: read terminal: %w", o.Alias, err)
	}
	defer lines.stop()
	stop := s.AttachPlain(o.Out)
	defer stop()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	var said cookedNews
	said.check(s.Status(), nil) // what was so before attaching is not news
	for {
		select {
		case <-tick.C:
			said.check(s.Status(), o.Out)
		case al := <-o.Alerts:
			cookedAlert(o, al)
		case <-ctx.Done():
			return Result{Action: Detached}, nil
		case <-s.Done():
			return Result{Action: Ended}, nil
		case p := <-lines.reads:
			if res, ok := cookedCommand(p, o.Prefix); ok {
				return res, nil
			}
			_, _ = s.Write(p) // refused while the link is down, as under ssh -T once it has dropped
		case <-lines.eof: // ^D; reading goes on (the remote may not exit on EOF)
			_ = s.CloseInput()
		case err := <-lines.err:
			select {
			case <-s.Done():
				return Result{Action: Ended}, nil
			default:
			}
			return Result{Action: Detached}, fmt.Errorf("attach %s: read terminal: %w", o.Alias, err)
		}
	}
}

// cookedCommand reads a line typed in a cooked terminal as one of
// sshdash's commands: the prefix key, then d (detach) or . (close), then
// Enter. Any other line is the remote's.
func cookedCommand(line []byte, prefix byte) (Result, bool) {
	switch string(line) {
	case string([]byte{prefix, 'd', '\n'}):
		return Result{Action: Detached}, true
	case string([]byte{prefix, '.', '\n'}):
		return Result{Action: Close}, true
	}
	return Result{}, false
}

// cookedNews says, as lines of their own, what the raw attach shows on
// the bottom line: that the link is down, and the session's notice (the
// previous shell was lost). A cooked terminal has no screen to draw on;
// a line is safe.
type cookedNews struct {
	down     bool
	noticeAt time.Time
}

// check writes to w what changed since the last check (nothing when w is nil).
func (n *cookedNews) check(st session.Status, w io.Writer) {
	say := func(format string, args ...any) {
		if w != nil {
			fmt.Fprintf(w, "\nsshdash: "+format+"\n", args...)
		}
	}
	down := linkDown(st.State) && !st.State.Terminal()
	if down && !n.down {
		if st.Cause != nil {
			say("the link is down (%v): what is typed now is not sent", st.Cause)
		} else {
			say("the link is down: what is typed now is not sent")
		}
	}
	n.down = down
	if st.Notice != "" && st.NoticeAt.After(n.noticeAt) {
		say("%s", st.Notice)
		n.noticeAt = st.NoticeAt
	}
}
