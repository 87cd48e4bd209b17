package session

import (
	"fmt"
	"io"
	"strings"
)

// NoTerminal reports whether the session runs without a remote terminal
// (RequestTTY no): its output is the program's alone, as under ssh -T, and
// the local terminal should stay cooked (see AttachPlain, CloseInput).
func (o ShellOptions) NoTerminal() bool { return !wantPTY(o.RequestTTY, "") }

// NoTerminal reports whether the session runs without a remote terminal
// (RequestTTY no); see ShellOptions.NoTerminal.
func (s *Session) NoTerminal() bool { return s.opts.Shell.NoTerminal() }

// AttachPlain streams the session's output to w as it comes, after what
// the screen already shows as plain lines, without any redraw: for a
// session without a remote terminal, shown in a cooked local terminal
// (nothing may be repainted or cleared there). The returned function ends
// the stream, as Attach's does.
func (s *Session) AttachPlain(w io.Writer) (stop func()) {
	s.outMu.Lock()
	lines := s.screen.Lines()
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	for i, line := range lines {
		line = strings.TrimRight(line, " ")
		if i < len(lines)-1 {
			line += "\n"
		}
		_, _ = io.WriteString(w, line)
	}
	s.attached = w
	s.outMu.Unlock()
	return s.detachFunc(w)
}

// CloseInput sends EOF to the remote program's input, as ^D in a cooked
// terminal does under ssh -T. Keys written afterwards are refused.
func (s *Session) CloseInput() error {
	s.mu.Lock()
	l := s.live
	s.mu.Unlock()
	if l == nil || l.stdin == nil {
		return fmt.Errorf("%s: %w", s.opts.Alias, ErrLinkDown)
	}
	if err := l.stdin.Close(); err != nil {
		return fmt.Errorf("%s: send EOF: %w", s.opts.Alias, err)
	}
	return nil
}
