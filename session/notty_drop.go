package session

import (
	"errors"
	"fmt"
)

// NoTTYDropError ends a session without a terminal (RequestTTY no) whose
// link was lost: nothing kept its command running (no tmux or screen
// without a terminal), so, as ssh -T would, the session ends instead of
// running the command again on a new connection. Tunnel-only sessions
// (-N) reconnect instead: their forwards are all there is.
type NoTTYDropError struct {
	Alias string
	Err   error // why the link was lost
}

func (e *NoTTYDropError) Error() string {
	return fmt.Sprintf("%s: the connection was lost (%v); a session without a terminal (RequestTTY no) cannot be resumed, so its command was not run again", e.Alias, e.Err)
}

func (e *NoTTYDropError) Unwrap() error { return e.Err }

// endsOnDrop reports whether a drop of a working link (cause) ends the
// session instead of reconnecting: a session without a terminal, unless
// it has no shell (-N) or the user asked for the reconnect.
func (s *Session) endsOnDrop(cause error) bool {
	return s.opts.Shell.NoTerminal() && !s.opts.TunnelOnly && !errors.Is(cause, errReconnectRequested)
}
