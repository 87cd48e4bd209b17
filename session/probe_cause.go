package session

import (
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/sshdash/sshdash/keepalive"
)

// DropCause is the kind of reason a link was lost or a session failed,
// for the dashboard's row and the log.
type DropCause int

// Drop causes.
const (
	CauseNone           DropCause = iota
	CauseSilence                  // the heartbeat or TCP timed out: nothing came back
	CauseReset                    // the connection was reset
	CauseServerClosed             // the server ended the connection
	CauseAuth                     // authentication was refused
	CauseNetworkChanged           // an immediate probe after a network change went unanswered
	CauseResumed                  // an immediate probe after a resume from suspend went unanswered
	CauseOther                    // anything else (see Status.Cause)
)

var dropCauseNames = [...]string{"", "silent link", "connection reset", "closed by the server", "authentication refused", "network changed", "resumed from suspend", "other"}

// String is the cause in a few words, e.g. "network changed"; "" for
// CauseNone.
func (c DropCause) String() string {
	if c >= 0 && int(c) < len(dropCauseNames) {
		return dropCauseNames[c]
	}
	return "other"
}

// logSuffix is the cause as the log's drop line ends with it, e.g.
// " [network changed]"; nothing when the error says all there is.
func (c DropCause) logSuffix() string {
	if c == CauseNone || c == CauseOther {
		return ""
	}
	return " [" + c.String() + "]"
}

// errClosedByServer is the cause of a link whose shell channel ended
// without an error: the server closed it.
var errClosedByServer = errors.New("connection closed by the server")

// ClassifyDrop tells what kind of failure err is. nil is CauseNone.
func ClassifyDrop(err error) DropCause {
	if err == nil {
		return CauseNone
	}
	var dead *keepalive.DeadError
	var auth *AuthError
	var ne net.Error
	switch {
	case errors.As(err, &dead) && dead.Probe == ReasonResumed:
		return CauseResumed
	case errors.As(err, &dead) && dead.Probe != "":
		return CauseNetworkChanged
	case errors.As(err, &dead):
		return CauseSilence
	case errors.As(err, &auth):
		return CauseAuth
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return CauseReset
	case errors.Is(err, syscall.ETIMEDOUT), errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return CauseSilence
	case errors.Is(err, errClosedByServer), errors.Is(err, io.EOF), strings.Contains(err.Error(), "ssh: disconnect"):
		return CauseServerClosed
	}
	return CauseOther
}

// lostError is a link whose shell ended without a status: the shell's
// error, and the transport's own end when it had one by then (a reset, a
// timeout, the server's end of file), which says why.
type lostError struct {
	shell, transport error
}

// Error keeps the shell's words and adds the transport's in brackets.
func (e *lostError) Error() string {
	s := "connection lost: " + e.shell.Error()
	if e.transport != nil {
		s += " (" + e.transport.Error() + ")"
	}
	return s
}

// Unwrap returns both errors, so errors.Is sees either.
func (e *lostError) Unwrap() []error {
	if e.transport == nil {
		return []error{e.shell}
	}
	return []error{e.shell, e.transport}
}

// transportWait bounds how long lostWith waits for the transport's own
// error. A lost connection ends the transport before (or as) the shell's
// channel; this only waits for the goroutine that reports it.
const transportWait = 200 * time.Millisecond

// lostWith is the cause of a link whose shell ended with err: err, and the
// transport's error if the transport has ended within transportWait.
func lostWith(l *link, err error) error {
	if l.client == nil {
		return &lostError{shell: err}
	}
	ch := make(chan error, 1)
	go func() { ch <- l.client.Wait() }() // ends when the link is closed, at the latest
	t := time.NewTimer(transportWait)
	defer t.Stop()
	select {
	case terr := <-ch:
		return &lostError{shell: err, transport: terr}
	case <-t.C:
		return &lostError{shell: err}
	}
}
