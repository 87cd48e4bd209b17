package attach

import (
	"context"
	"errors"
	"fmt"
	"io"
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
}

// RunCooked connects the terminal to a session without a remote terminal
// (RequestTTY no) as ssh -T does: the terminal stays in its own (cooked)
// mode, so it echoes, edits lines and turns Enter into a newline; what is
// typed goes to the remote program a line at a time; ^D (end of file on
// the terminal) sends EOF to it; its output is shown as it comes. There are
// no prefix keys: the terminal's line discipline owns every key, and ctrl+c
// ends sshdash as it ends ssh. It returns Ended when the session ends, or
// Detached when ctx ends first or the terminal's input fails.
func RunCooked(ctx context.Context, s PlainSession, o Options) (Result, error) {
	in, err := openInput(o.In)
	if err != nil {
		return Result{}, fmt.Errorf("attach %s: read terminal: %w", o.Alias, err)
	}
	lines := make(chan []byte)
	eof := make(chan struct{}, 1)
	ended := make(chan struct{})
	readDone := make(chan struct{})
	readErr := make(chan error, 1)
	go func() {
		defer close(readDone)
		buf := make([]byte, 4096)
		for {
			n, err := in.Read(buf)
			if n > 0 {
				select {
				case lines <- append([]byte(nil), buf[:n]...):
				case <-ended:
					return
				}
			}
			switch {
			case errors.Is(err, io.EOF):
				// ^D: a terminal's end of file is not sticky; reading
				// goes on after it (the remote may not exit on EOF).
				select {
				case eof <- struct{}{}:
				case <-ended:
					return
				}
			case err != nil:
				readErr <- err
				return
			}
		}
	}()
	defer func() {
		close(ended)
		in.Cancel()
		<-readDone
		_ = in.Close()
	}()
	stop := s.AttachPlain(o.Out)
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return Result{Action: Detached}, nil
		case <-s.Done():
			return Result{Action: Ended}, nil
		case p := <-lines:
			_, _ = s.Write(p) // refused while the link is down, as under ssh -T once it has dropped
		case <-eof:
			_ = s.CloseInput()
		case err := <-readErr:
			select {
			case <-s.Done():
				return Result{Action: Ended}, nil
			default:
			}
			return Result{Action: Detached}, fmt.Errorf("attach %s: read terminal: %w", o.Alias, err)
		}
	}
}
