package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/sshdash/sshdash/session/vt"
)

// History: the scrollback view reads the session's emulator (the
// scrollback and the screen). When the shell runs in sshdash's private
// tmux, the emulator's scrollback misses most lines: tmux redraws its
// screen rather than scrolling it line by line when output comes faster
// than it draws, so the lines in between never reach us. tmux keeps them
// in its pane history; SyncHistory copies that history into the emulator.

// History returns up to n lines of the session's history (the emulator's
// scrollback followed by its screen) from line from, cols cells wide and
// styled, and the history's length.
func (s *Session) History(from, n, cols int) (lines []string, total int) {
	return s.screen.StyledHistory(from, n, cols)
}

// HistoryText returns the plain text of the session's whole history,
// oldest line first, for searching.
func (s *Session) HistoryText() []string { return s.screen.PlainHistory() }

// errNoTmuxHistory says the session's shell is not in the private tmux
// (or the link is down), so the emulator's own scrollback is all there is.
var errNoTmuxHistory = errors.New("no tmux history to fetch")

// SyncHistory replaces the emulator's scrollback with the private tmux
// pane's history, when the shell runs in it and the link is up; otherwise
// it does nothing and reports why. It runs one command on the session's
// connection and returns when that ends or ctx is done.
func (s *Session) SyncHistory(ctx context.Context) error {
	s.mu.Lock()
	l, method := s.live, s.lastMethod
	s.mu.Unlock()
	if l == nil || l.client == nil || (method != methodTmuxNew && method != methodTmuxAttached) {
		return errNoTmuxHistory
	}
	sess, err := l.client.NewSession()
	if err != nil {
		return fmt.Errorf("%s: fetching the tmux history: %w", s.opts.Alias, err)
	}
	stop := context.AfterFunc(ctx, func() { _ = sess.Close() })
	defer stop()
	defer sess.Close()
	t := shellQuote("=" + s.remoteName + ":")
	cmd := fmt.Sprintf("tmux -L %s -f /dev/null display -p -t %s '#{history_size}' \\; capture-pane -p -e -S - -E -1 -t %s", tmuxSocket, t, t)
	out, err := sess.Output(cmd)
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	if err != nil {
		return fmt.Errorf("%s: fetching the tmux history: %w", s.opts.Alias, err)
	}
	first, rest, _ := bytes.Cut(out, []byte("\n"))
	size, err := strconv.Atoi(string(bytes.TrimSpace(first)))
	if err != nil {
		return fmt.Errorf("%s: fetching the tmux history: unexpected reply %q", s.opts.Alias, first)
	}
	if size == 0 {
		// capture-pane -E -1 with no history prints the top screen line.
		rest = nil
	}
	s.screen.ReplaceScrollback(rest)
	return nil
}

// IsNoTmuxHistory reports whether err from SyncHistory only means there
// was no tmux history to fetch.
func IsNoTmuxHistory(err error) bool { return errors.Is(err, errNoTmuxHistory) }

// scrollbackLines is the scrollback a session's emulator keeps, as its
// options ask (0: the default, negative: none).
func scrollbackLines(opts Options) int {
	switch n := opts.Scrollback; {
	case n == 0:
		return vt.DefaultScrollback
	case n < 0:
		return 0
	default:
		return n
	}
}

// scrollbackOption turns the settings file's scrollback (0: none) into
// Options.Scrollback (0: default, negative: none).
func scrollbackOption(n int) int {
	if n == 0 {
		return -1
	}
	return n
}

// HistoryLen returns the number of lines of the session's history.
func (s *Session) HistoryLen() int { return s.screen.HistoryLen() }
