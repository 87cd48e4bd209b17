package session

import (
	"context"
	"errors"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/sshdash/sshdash/keepalive"
)

// maxRefusals is how many times in a row the server may refuse a session
// the same way after authentication (session channel, PTY or shell
// refused, or the shell gone at once) before the session fails with the
// server's message. Each refusal is a login on the server: with the
// backoff between them, a host that keeps refusing sees at most this many.
const maxRefusals = 5

// usableAfter is how long a link must have been up to count as a working
// connection. A link that ends sooner is a failed attempt for the backoff,
// so a server that accepts and then drops every login is not hammered.
const usableAfter = 10 * time.Second

// answerWait bounds the check that the server still answers on a link
// whose shell was refused or ended at once.
const answerWait = 2 * time.Second

// failures counts a session's failed attempts since it last had a working
// connection. It belongs to the run loop.
type failures struct {
	backoff  int    // failed attempts that reached the server: the backoff's exponent
	refusals int    // refusals in a row with the same message
	last     string // the message of the latest refusal
}

// refused records a refusal after login and returns how many times in a
// row the server has refused this way.
func (f *failures) refused(err error) int {
	f.backoff++
	if msg := err.Error(); msg == f.last {
		f.refusals++
	} else {
		f.refusals, f.last = 1, msg
	}
	return f.refusals
}

// worked records a link that stayed up long enough to be used: refusals
// before it no longer count towards giving up. The backoff's count is kept
// until the link has been stable (Backoff.Reset).
func (f *failures) worked() { f.refusals, f.last = 0, "" }

// retries reports whether a failure is retried on its own: always for a
// session that has been up before (a drop), and for one that never was
// only when Options.RetryFirst asks for it. Otherwise the first failure
// is final, as with ssh, and the user may ask again (Reconnect).
func (s *Session) retries() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.everUp || s.opts.RetryFirst
}

// serverAnswers reports whether the server still answers on l, so that a
// refused or vanished shell is told apart from a dead network: a global
// request (the heartbeat's) gets a reply, success or not, within
// answerWait.
func (s *Session) serverAnswers(l *link) bool {
	if l.client == nil {
		return false
	}
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	got := make(chan error, 1)
	go func() {
		_, _, err := l.client.SendRequest(keepalive.RequestName, true, nil)
		got <- err // buffered: the caller may have stopped waiting
	}()
	t := s.clock.NewTimer(answerWait)
	defer t.Stop()
	select {
	case err := <-got:
		return err == nil
	case <-t.C():
	case <-ctx.Done():
	}
	return false
}

// fail ends the session in Failed with cause: its secrets are forgotten,
// and it stays so until Reconnect asks for a new attempt.
func (s *Session) fail(cause error) {
	s.opts.Secrets.Forget()
	s.setState(Failed, "", cause, func(st *Status) { st.NextAttempt, st.DropCause = time.Time{}, ClassifyDrop(cause) })
	s.logMark("failed: %v", cause)
}

// restart starts a Failed session again, once its goroutines have ended;
// it reports false for a session in any other state. The session keeps
// its screen, log and remote tmux name, so a link that was up reattaches
// to the same shell.
func (s *Session) restart() bool {
	s.mu.Lock()
	ended := false
	select {
	case <-s.done:
		ended = true
	default: // still ending: the request waits in retryNow
	}
	if s.status.State != Failed || s.closeCause != nil || !ended {
		s.mu.Unlock()
		return false
	}
	select {
	case <-s.retryNow: // a request made while it was ending is this one
	default:
	}
	s.ctx, s.cancel = context.WithCancelCause(context.Background())
	s.done = make(chan struct{})
	s.mu.Unlock()
	s.logf("trying again, as asked")
	go s.run()
	return true
}

// lostByNetwork reports whether a link ended because the network failed
// (the heartbeat's verdict, a TCP timeout, no route) rather than because
// the server ended it.
func lostByNetwork(cause error) bool {
	var dead *keepalive.DeadError
	if errors.As(cause, &dead) {
		return true
	}
	var ne net.Error
	if errors.As(cause, &ne) && ne.Timeout() {
		return true
	}
	for _, e := range []error{syscall.ETIMEDOUT, syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.ENETDOWN, os.ErrDeadlineExceeded} {
		if errors.Is(cause, e) {
			return true
		}
	}
	return false
}
