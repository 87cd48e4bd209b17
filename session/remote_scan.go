package session

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/crypto/ssh"
)

// remoteScanTimeout bounds listing the host's sessions and closing the
// expired ones on the first connection.
const remoteScanTimeout = 20 * time.Second

// takeRemoteScan reports whether this link should list the host's other
// sessions: once per session, for a shell session whose remote side may
// be tmux or screen, and only when someone wants the result.
func (s *Session) takeRemoteScan() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.remoteScanned {
		return false
	}
	s.remoteScanned = true
	if s.opts.TunnelOnly || s.opts.Reattach == ReattachNone {
		return false
	}
	return s.opts.DetachedTTL > 0 || s.opts.OnRemoteSessions != nil
}

// scanRemote runs once the shell is up, on the same connection: it
// lists sshdash's sessions on the host, closes the detached ones unused
// for longer than DetachedTTL (best effort, each logged), logs how many
// detached ones are left to resume and hands them to OnRemoteSessions.
// It ends when ctx does (the link closing ends its requests).
func (s *Session) scanRemote(ctx context.Context, client *ssh.Client) {
	ctx, cancel := context.WithTimeout(ctx, remoteScanTimeout)
	defer cancel()
	list, err := listRemote(ctx, client, s.clock.Now())
	if err != nil {
		s.log.Debug(fmt.Sprintf("%s: %v", s.opts.Alias, err))
		if s.opts.OnRemoteSessions != nil {
			s.opts.OnRemoteSessions(nil)
		}
		return
	}
	others := make([]RemoteSession, 0, len(list))
	resumable := 0
	for _, r := range list {
		if r.Name == s.remoteName {
			continue
		}
		if expired(r, s.opts.DetachedTTL) {
			if err := closeRemote(ctx, client, r.Name); err != nil {
				s.logf("could not close the detached session %s, unused for %s: %v", r.Name, roundAge(r.Idle), err)
			} else {
				s.logf("closed the detached session %s, unused for %s (detached-ttl %s)", r.Name, roundAge(r.Idle), roundAge(s.opts.DetachedTTL))
				continue
			}
		}
		if r.Resumable() {
			resumable++
		}
		others = append(others, r)
	}
	switch {
	case resumable == 1:
		s.logf("1 detached session on the host: sshdash connect --resume %s goes back to it", s.opts.Alias)
	case resumable > 1:
		s.logf("%d detached sessions on the host: sshdash connect --resume %s goes back to the latest", resumable, s.opts.Alias)
	}
	if s.opts.OnRemoteSessions != nil {
		s.opts.OnRemoteSessions(others)
	}
}

// wrapperRan reports whether a marker's method says the wrapper runs the
// shell under tmux or screen.
func wrapperRan(method string) bool {
	switch method {
	case methodTmuxNew, methodTmuxAttached, methodScreenNew, methodScreenAttached:
		return true
	}
	return false
}

// expired reports whether r is a detached session unused for longer than
// ttl (0: never). Sessions whose last use is unknown are kept.
func expired(r RemoteSession, ttl time.Duration) bool {
	return ttl > 0 && !r.Attached && !r.LastAttached.IsZero() && r.Idle > ttl
}

// roundAge rounds an age for a log line: days, hours, minutes or seconds.
func roundAge(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	case d >= time.Hour:
		return d.Round(time.Hour).String()
	case d >= time.Minute:
		return d.Round(time.Minute).String()
	}
	return d.Round(time.Second).String()
}
